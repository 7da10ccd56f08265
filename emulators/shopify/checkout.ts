import { z } from "zod";
import { HttpError } from "../shared/http";
import type { Outgoing } from "../shared/webhook-sender";
import { hexFrom } from "./ids";
import { orderPaymentFrom, paymentBodySchema } from "./order-money";
import { orderPayload } from "./order-payload";
import { DEFAULT_EMAIL, type Order, type OrderLine } from "./orders";
import type { ShopState } from "./shop-state";

/**
 * The shop's own sales: a checkout that enforces Shopify's `available` per location, moves
 * the units available → committed, sends `orders/create` and forwards the order to the WMS.
 * What happens to the order afterwards is in order-lifecycle.ts.
 */
export const checkoutBodySchema = z.object({
  lines: z
    .array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1).max(10_000) }))
    .min(1)
    .max(250),
  email: z.email().optional(),
  /** How the buyer paid (gateway, capture, Markets currency, discount, tax); default: Shopify Payments, captured, shop currency. */
  payment: paymentBodySchema.optional(),
});

export interface CheckoutResult {
  orderId: number;
  name: string;
  lines: { lineItemId: number; sku: string; quantity: number; locationId: string }[];
}

export interface Shortage {
  sku: string;
  requested: number;
  /** The most one location could still give this line (what routing needed). */
  available: number;
}

/** Every line from the first location (priority order) whose available covers it, or nothing at all. */
export function checkout(
  shop: ShopState,
  body: z.infer<typeof checkoutBodySchema>,
): { ok: true; result: CheckoutResult } | { ok: false; shortages: Shortage[] } {
  const { catalog, inventory } = shop;
  for (const line of body.lines) if (!catalog.variantBySku(line.sku)) throw new HttpError(400, `unknown sku ${line.sku}`);
  // Plan on a scratch copy first: two lines of one SKU draw from the same shelf.
  const scratch = new Map<string, number>();
  const left = (sku: string, loc: string) => scratch.get(`${sku}\u0000${loc}`) ?? inventory.level(sku, loc).available;
  const plan: { sku: string; quantity: number; locationId: string }[] = [];
  const shortages: Shortage[] = [];
  for (const line of body.lines) {
    const location = catalog.locations.find((l) => left(line.sku, l.id) >= line.quantity);
    if (!location) {
      shortages.push({ sku: line.sku, requested: line.quantity, available: Math.max(0, ...catalog.locations.map((l) => left(line.sku, l.id))) });
      continue;
    }
    scratch.set(`${line.sku}\u0000${location.id}`, left(line.sku, location.id) - line.quantity);
    plan.push({ ...line, locationId: location.id });
  }
  if (shortages.length > 0) {
    shop.stats.counters.checkoutsRefused++;
    return { ok: false, shortages };
  }
  const now = shop.now();
  const lines: OrderLine[] = plan.map((p) => {
    inventory.move(p.sku, p.locationId, { available: -p.quantity, committed: p.quantity }, now, "checkout");
    const variant = catalog.variantBySku(p.sku);
    if (!variant) throw new Error(`sku vanished: ${p.sku}`);
    return {
      id: shop.ids.lineItem.next(),
      variant,
      quantity: p.quantity,
      priceCents: variant.priceCents,
      locationId: p.locationId,
      fulfilled: 0,
      removed: 0,
      refundedFulfilled: 0,
    };
  });
  const number = shop.orders.takeNumber();
  const order: Order = {
    id: shop.ids.order.next(),
    number,
    name: `#${number}`,
    email: body.email ?? DEFAULT_EMAIL,
    token: hexFrom(shop.random, 32),
    cartToken: hexFrom(shop.random, 32),
    checkoutId: shop.ids.checkout.next(),
    checkoutToken: hexFrom(shop.random, 32),
    confirmationNumber: hexFrom(shop.random, 9).toUpperCase(),
    customerId: shop.ids.customer.next(),
    addressId: shop.ids.address.next(),
    shippingLineId: shop.ids.shippingLine.next(),
    paymentTransactionId: shop.ids.transaction.next(),
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    payment: orderPaymentFrom(body.payment, catalog.currency),
    lines,
    refunds: [],
  };
  shop.orders.add(order);
  shop.stats.counters.checkouts++;
  shop.webhooks.send("orders/create", orderPayload(shop, order), now);
  forwardToFulfillment(shop, order);
  return {
    ok: true,
    result: {
      orderId: order.id,
      name: order.name,
      lines: lines.map((l) => ({ lineItemId: l.id, sku: l.variant.sku, quantity: l.quantity, locationId: l.locationId })),
    },
  };
}

/** Hands the new order to the WMS (fire and forget; the sender retries until it is taken). */
function forwardToFulfillment(shop: ShopState, order: Order): void {
  if (!shop.fulfillment) return;
  const body = {
    orderId: `shopify:${order.id}`,
    channel: "shopify",
    lines: order.lines.map((l) => ({ lineId: String(l.id), sku: l.variant.sku, quantity: l.quantity, locationId: l.locationId })),
  };
  shop.fulfillment.sender.send(fulfillmentMessage(shop.fulfillment, body));
}

/** One forward to the WMS, signed with the shop's secret (also how a restarted shop resumes its unsent forwards). */
export const fulfillmentMessage = (target: { url: string; secret: string }, body: unknown): Outgoing => ({
  url: target.url,
  secret: target.secret,
  signatureHeader: "X-Shopify-Hmac-Sha256",
  body,
});
