import { z } from "zod";
import { HttpError } from "../shared/http";
import type { Outgoing } from "../shared/webhook-sender";
import { hexFrom } from "./ids";
import { orderPayload } from "./order-payload";
import { DEFAULT_EMAIL, unfulfilled, type Order, type OrderLine, type Refund, type RestockType } from "./orders";
import { refundPayload } from "./refund-payload";
import type { ShopState } from "./shop-state";

/**
 * The shop's own sales: a checkout that enforces Shopify's `available` per location, and
 * the order lifecycle after it (cancel, refund, fulfil). Each step moves Shopify's inventory
 * the way Shopify does (available ↔ committed) and emits its webhook.
 */
export const checkoutBodySchema = z.object({
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1).max(10_000) })).min(1).max(250),
  email: z.email().optional(),
});

export const refundBodySchema = z.object({
  lines: z
    .array(z.object({ lineItemId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(Number), quantity: z.number().int().min(1), restockType: z.enum(["cancel", "return", "no_restock"]) }))
    .min(1),
  note: z.string().max(500).optional(),
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
export function checkout(shop: ShopState, body: z.infer<typeof checkoutBodySchema>): { ok: true; result: CheckoutResult } | { ok: false; shortages: Shortage[] } {
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
    return { id: shop.ids.lineItem.next(), variant, quantity: p.quantity, priceCents: variant.priceCents, locationId: p.locationId, fulfilled: 0, removed: 0, refundedFulfilled: 0 };
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
    lines,
    refunds: [],
  };
  shop.orders.add(order);
  shop.stats.counters.checkouts++;
  shop.webhooks.send("orders/create", orderPayload(shop, order), now);
  forwardToFulfillment(shop, order);
  return { ok: true, result: { orderId: order.id, name: order.name, lines: lines.map((l) => ({ lineItemId: l.id, sku: l.variant.sku, quantity: l.quantity, locationId: l.locationId })) } };
}

/** Hands the new order to the WMS (fire and forget; the sender retries until it is taken). */
function forwardToFulfillment(shop: ShopState, order: Order): void {
  if (!shop.fulfillment) return;
  const body = { orderId: `shopify:${order.id}`, channel: "shopify", lines: order.lines.map((l) => ({ lineId: String(l.id), sku: l.variant.sku, quantity: l.quantity, locationId: l.locationId })) };
  shop.fulfillment.sender.send(fulfillmentMessage(shop.fulfillment, body));
}

/** One forward to the WMS, signed with the shop's secret (also how a restarted shop resumes its unsent forwards). */
export const fulfillmentMessage = (target: { url: string; secret: string }, body: unknown): Outgoing => ({ url: target.url, secret: target.secret, signatureHeader: "X-Shopify-Hmac-Sha256", body });

function orderOr404(shop: ShopState, rawId: string): Order {
  const order = /^\d+$/.test(rawId) ? shop.orders.get(Number(rawId)) : undefined;
  if (!order) throw new HttpError(404, `no order ${rawId}`);
  return order;
}

/** Cancel: every unfulfilled unit goes back to available at its location. */
export function cancelOrder(shop: ShopState, rawId: string) {
  const order = orderOr404(shop, rawId);
  if (order.cancelledAt !== null) throw new HttpError(409, "order is already cancelled");
  const now = shop.now();
  const restocked = order.lines.map((line) => {
    const quantity = unfulfilled(line);
    if (quantity > 0) shop.inventory.move(line.variant.sku, line.locationId, { available: quantity, committed: -quantity }, now);
    line.removed += quantity;
    return { lineItemId: line.id, sku: line.variant.sku, quantity, locationId: line.locationId };
  });
  order.cancelledAt = now;
  order.updatedAt = now;
  shop.stats.counters.cancels++;
  shop.webhooks.send("orders/cancelled", orderPayload(shop, order), now);
  return { orderId: order.id, cancelledAt: new Date(now).toISOString(), restocked };
}

/** One line of a refund request, in our terms (the control API's and refundCreate's input both map to it). */
export interface RefundRequestLine {
  lineItemId: number;
  quantity: number;
  restockType: RestockType;
  /** Our location id to restock at; null = where the units were committed. Ignored for no_restock. */
  restockLocationId?: string | null;
}

export interface PlannedRefundLine {
  line: OrderLine;
  quantity: number;
  restockType: RestockType;
  restockLocationId: string;
}

/** Why one requested line cannot be refunded (index into the request, and what is wrong). */
export type RefundProblem =
  | { index: number; kind: "unknown_line"; lineItemId: number }
  | { index: number; kind: "too_many"; line: OrderLine; requested: number; pool: "unfulfilled" | "fulfilled"; refundable: number; restockType: RestockType };

/**
 * Checks a whole refund against what each line still holds before anything is touched:
 * "cancel" takes unfulfilled units, "return" fulfilled ones, "no_restock" unfulfilled units
 * first, else fulfilled ones. Either every line fits or nothing is planned.
 */
export function planRefund(order: Order, requests: readonly RefundRequestLine[]): { ok: true; planned: PlannedRefundLine[] } | { ok: false; problems: RefundProblem[] } {
  const problems: RefundProblem[] = [];
  const planned: PlannedRefundLine[] = [];
  const budget = new Map(order.lines.map((l) => [l.id, { unfulfilled: unfulfilled(l), fulfilled: l.fulfilled - l.refundedFulfilled }]));
  requests.forEach((req, index) => {
    const line = order.lines.find((l) => l.id === req.lineItemId);
    const b = line ? budget.get(line.id) : undefined;
    if (!line || !b) {
      problems.push({ index, kind: "unknown_line", lineItemId: req.lineItemId });
      return;
    }
    const fromUnfulfilled = req.restockType === "cancel" || (req.restockType === "no_restock" && b.unfulfilled >= req.quantity);
    const pool = fromUnfulfilled ? "unfulfilled" : "fulfilled";
    if (b[pool] < req.quantity) {
      problems.push({ index, kind: "too_many", line, requested: req.quantity, pool, refundable: b[pool], restockType: req.restockType });
      return;
    }
    b[pool] -= req.quantity;
    planned.push({ line, quantity: req.quantity, restockType: req.restockType, restockLocationId: req.restockLocationId ?? line.locationId });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, planned };
}

/**
 * Applies a planned refund: "cancel" takes unfulfilled units off (committed → available at
 * the restock location), "return" restocks fulfilled units, "no_restock" refunds without
 * restocking (unfulfilled units leave committed, fulfilled ones stay gone). Sends
 * `refunds/create`.
 */
export function applyRefund(shop: ShopState, order: Order, planned: readonly PlannedRefundLine[], opts: { note: string | null; amountCents: number }): Refund {
  const now = shop.now();
  const refund: Refund = { id: shop.ids.refund.next(), createdAt: now, note: opts.note, lines: [], transactionId: shop.ids.transaction.next(), amountCents: opts.amountCents };
  for (const { line, quantity, restockType, restockLocationId } of planned) {
    const sku = line.variant.sku;
    if (restockType === "cancel") {
      shop.inventory.move(sku, line.locationId, { committed: -quantity }, now);
      shop.inventory.move(sku, restockLocationId, { available: quantity }, now);
      line.removed += quantity;
    } else if (restockType === "return") {
      shop.inventory.move(sku, restockLocationId, { available: quantity }, now);
      line.refundedFulfilled += quantity;
    } else if (unfulfilled(line) >= quantity) {
      shop.inventory.move(sku, line.locationId, { committed: -quantity }, now);
      line.removed += quantity;
    } else line.refundedFulfilled += quantity;
    refund.lines.push({ id: shop.ids.refundLine.next(), line, quantity, restockType, locationId: restockType === "no_restock" ? null : restockLocationId });
  }
  order.refunds.push(refund);
  order.updatedAt = now;
  shop.stats.counters.refunds++;
  shop.webhooks.send("refunds/create", refundPayload(shop, order, refund), now);
  return refund;
}

/** The control API's answer to a refund that does not fit: 400 for an unknown line first, else 409. */
function refundHttpError(order: Order, problems: RefundProblem[]): HttpError {
  const problem = problems.find((p) => p.kind === "unknown_line") ?? problems[0];
  if (!problem) return new HttpError(409, "refund does not fit the order");
  if (problem.kind === "unknown_line") return new HttpError(400, `lines.${problem.index}.lineItemId: no line item ${problem.lineItemId} on order ${order.id}`);
  return new HttpError(409, `lines.${problem.index}.quantity: only ${problem.refundable} ${problem.pool} unit(s) of line ${problem.line.id} can be refunded with restockType ${problem.restockType}`);
}

/** The control API's refund: every line restocked where it was committed, the lines' price refunded. */
export function refundOrder(shop: ShopState, rawId: string, body: z.infer<typeof refundBodySchema>) {
  const order = orderOr404(shop, rawId);
  const plan = planRefund(order, body.lines);
  if (!plan.ok) throw refundHttpError(order, plan.problems);
  const amountCents = plan.planned.reduce((n, p) => n + p.line.priceCents * p.quantity, 0);
  const refund = applyRefund(shop, order, plan.planned, { note: body.note ?? null, amountCents });
  return { orderId: order.id, refundId: refund.id, lines: refund.lines.map((l) => ({ refundLineItemId: l.id, lineItemId: l.line.id, sku: l.line.variant.sku, quantity: l.quantity, restockType: l.restockType, locationId: l.locationId })) };
}

/** Fulfil everything still open: committed units leave the building (on_hand drops). */
export function fulfillOrder(shop: ShopState, rawId: string) {
  const order = orderOr404(shop, rawId);
  if (order.cancelledAt !== null) throw new HttpError(409, "order is cancelled");
  const now = shop.now();
  const fulfilled = order.lines.flatMap((line) => {
    const quantity = unfulfilled(line);
    if (quantity === 0) return [];
    shop.inventory.move(line.variant.sku, line.locationId, { committed: -quantity }, now);
    line.fulfilled += quantity;
    return [{ lineItemId: line.id, sku: line.variant.sku, quantity, locationId: line.locationId }];
  });
  order.updatedAt = now;
  shop.stats.counters.fulfillments++;
  return { orderId: order.id, fulfilled };
}
