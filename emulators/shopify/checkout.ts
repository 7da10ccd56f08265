import { z } from "zod";
import { HttpError } from "../shared/http";
import type { Outgoing } from "../shared/webhook-sender";
import { hexFrom } from "./ids";
import { defaultPayment, orderPaymentFrom, paymentBodySchema, type OrderPayment } from "./order-money";
import { orderPayload } from "./order-payload";
import { DEFAULT_EMAIL, newOrderLine, type Order, type OrderLine, type OrderOrigin } from "./orders";
import { routeOrder, sendRoutingComplete } from "./routing";
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

/** Every line routed the way Shopify routes (routing.ts), or nothing at all. */
export function checkout(
  shop: ShopState,
  body: z.infer<typeof checkoutBodySchema>,
): { ok: true; result: CheckoutResult } | { ok: false; shortages: Shortage[] } {
  const { catalog, inventory } = shop;
  for (const line of body.lines) if (!catalog.variantBySku(line.sku)) throw new HttpError(400, `unknown sku ${line.sku}`);
  const routing = routeOrder(
    body.lines,
    catalog.locations.map((l) => l.id),
    (sku, loc) => inventory.level(sku, loc).available,
  );
  if (!routing.ok) {
    shop.stats.counters.checkoutsRefused++;
    return { ok: false, shortages: routing.shortages };
  }
  const plan = body.lines.map((line, i) => ({ ...line, locationId: routing.locations[i]! }));
  const now = shop.now();
  const lines: OrderLine[] = plan.map((p) => {
    inventory.move(p.sku, p.locationId, { available: -p.quantity, committed: p.quantity }, now, "checkout");
    const variant = catalog.variantBySku(p.sku);
    if (!variant) throw new Error(`sku vanished: ${p.sku}`);
    return newOrderLine(shop.ids.lineItem.next(), variant, p.quantity, p.locationId);
  });
  const order = recordOrder(shop, lines, body.email, undefined, orderPaymentFrom(body.payment, catalog.currency));
  // Online orders are routed after creation; a counter sale (POS) is fulfilled where it was sold.
  sendRoutingComplete(shop, order, now);
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

/** Files a new order and sends `orders/create`; the inventory has already moved as the order's origin says. */
export function recordOrder(
  shop: ShopState,
  lines: OrderLine[],
  email: string | undefined,
  origin?: OrderOrigin,
  payment: OrderPayment = defaultPayment(shop.catalog.currency),
): Order {
  const now = shop.now();
  const number = shop.orders.takeNumber();
  const order: Order = {
    id: shop.ids.order.next(),
    number,
    name: `#${number}`,
    email: email ?? DEFAULT_EMAIL,
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
    payment,
    lines,
    refunds: [],
    ...(origin ? { origin } : {}),
  };
  shop.orders.add(order);
  shop.stats.counters.checkouts++;
  shop.webhooks.send("orders/create", orderPayload(shop, order), now);
  return order;
}

/** Hands the new order to the WMS (fire and forget; the sender retries until it is taken). */
export function forwardToFulfillment(shop: ShopState, order: Order): void {
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
