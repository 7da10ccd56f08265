import { z } from "zod";
import { HttpError } from "../shared/http";
import { orderPayload } from "./order-payload";
import { toPresentment } from "./order-money";
import { lineUnit, netPaymentCents, unfulfilled, type Order, type OrderLine, type Refund, type RestockType } from "./orders";
import { refundPayload } from "./refund-payload";
import type { ShopState } from "./shop-state";

/**
 * An order's life after checkout (checkout.ts): cancel, refund (planned whole, then applied)
 * and fulfil. Each step moves Shopify's inventory the way Shopify does (committed ↔ available,
 * committed → gone) and emits its webhook.
 */
export const refundBodySchema = z.object({
  lines: z
    .array(
      z.object({
        lineItemId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(Number),
        quantity: z.number().int().min(1),
        restockType: z.enum(["cancel", "return", "no_restock"]),
      }),
    )
    .min(1),
  note: z.string().max(500).optional(),
});

function orderOr404(shop: ShopState, rawId: string): Order {
  const order = /^\d+$/.test(rawId) ? shop.orders.get(Number(rawId)) : undefined;
  if (!order) throw new HttpError(404, `no order ${rawId}`);
  return order;
}

/**
 * `orderCancel(restock: Boolean!, refund…)` (https://shopify.dev/docs/api/admin-graphql/latest/mutations/orderCancel):
 * restocking is the merchant's choice, and a required one. The unfulfilled units leave
 * committed; with restock they go back to available at their location. What was restocked
 * is recorded as a refund (restock_type "cancel" or "no_restock"), nested in the
 * `orders/cancelled` body and sent as `refunds/create` too: one merchant action, so both
 * deliveries share one X-Shopify-Event-Id (https://shopify.dev/docs/apps/build/webhooks/delivery-structure).
 */
export const cancelBodySchema = z.object({ restock: z.boolean(), refund: z.boolean().default(true) });

export function cancelOrder(shop: ShopState, rawId: string, body: z.infer<typeof cancelBodySchema>) {
  const order = orderOr404(shop, rawId);
  if (order.cancelledAt !== null) throw new HttpError(409, "order is already cancelled");
  const now = shop.now();
  const claims = order.origin?.claimsInventory ?? true;
  const restockType: RestockType = body.restock ? "cancel" : "no_restock";
  const refund: Refund = {
    id: shop.ids.refund.next(),
    createdAt: now,
    note: null,
    lines: [],
    transactionId: shop.ids.transaction.next(),
    amountCents: 0,
    presentmentCents: 0,
  };
  const restocked = order.lines.map((line) => {
    const quantity = unfulfilled(line);
    if (quantity > 0) {
      if (claims) shop.inventory.move(line.variant.sku, line.locationId, { committed: -quantity, ...(body.restock ? { available: quantity } : {}) }, now);
      refund.lines.push({ id: shop.ids.refundLine.next(), line, quantity, restockType, locationId: body.restock ? line.locationId : null });
      if (body.refund) refund.amountCents += line.priceCents * quantity;
    }
    line.removed += quantity;
    return { lineItemId: line.id, sku: line.variant.sku, quantity: body.restock ? quantity : 0, locationId: line.locationId };
  });
  refund.presentmentCents = toPresentment(order.payment, refund.amountCents);
  if (refund.lines.length > 0) order.refunds.push(refund);
  order.cancelledAt = now;
  order.updatedAt = now;
  shop.stats.counters.cancels++;
  const { eventId } = shop.webhooks.send("orders/cancelled", orderPayload(shop, order), now);
  if (refund.lines.length > 0) shop.webhooks.send("refunds/create", refundPayload(shop, order, refund), now, eventId);
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
export function planRefund(
  order: Order,
  requests: readonly RefundRequestLine[],
): { ok: true; planned: PlannedRefundLine[] } | { ok: false; problems: RefundProblem[] } {
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
export function applyRefund(
  shop: ShopState,
  order: Order,
  planned: readonly PlannedRefundLine[],
  opts: { note: string | null; amountCents: number; presentmentCents: number },
): Refund {
  const now = shop.now();
  const refund: Refund = {
    id: shop.ids.refund.next(),
    createdAt: now,
    note: opts.note,
    lines: [],
    transactionId: shop.ids.transaction.next(),
    amountCents: opts.amountCents,
    presentmentCents: opts.presentmentCents,
  };
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
  return new HttpError(
    409,
    `lines.${problem.index}.quantity: only ${problem.refundable} ${problem.pool} unit(s) of line ${problem.line.id} can be refunded with restockType ${problem.restockType}`,
  );
}

/** The control API's refund: every line restocked where it was committed, the lines' price refunded. */
export function refundOrder(shop: ShopState, rawId: string, body: z.infer<typeof refundBodySchema>) {
  const order = orderOr404(shop, rawId);
  const plan = planRefund(order, body.lines);
  if (!plan.ok) throw refundHttpError(order, plan.problems);
  // What the buyer paid for the units (discounted, taxed), capped by what was captured and not yet returned.
  const paid = (side: "shop" | "presentment") =>
    Math.min(
      netPaymentCents(order, side),
      plan.planned.reduce((n, p) => n + lineUnit(order, p.line, side).paid * p.quantity, 0),
    );
  const refund = applyRefund(shop, order, plan.planned, { note: body.note ?? null, amountCents: paid("shop"), presentmentCents: paid("presentment") });
  return {
    orderId: order.id,
    refundId: refund.id,
    lines: refund.lines.map((l) => ({
      refundLineItemId: l.id,
      lineItemId: l.line.id,
      sku: l.line.variant.sku,
      quantity: l.quantity,
      restockType: l.restockType,
      locationId: l.locationId,
    })),
  };
}

/** Fulfil everything still open: committed units leave the building (on_hand drops). */
export function fulfillOrder(shop: ShopState, rawId: string) {
  const order = orderOr404(shop, rawId);
  if (order.cancelledAt !== null) throw new HttpError(409, "order is cancelled");
  const now = shop.now();
  const fulfilled = order.lines.flatMap((line) => {
    const quantity = unfulfilled(line);
    if (quantity === 0) return [];
    // An order that claimed nothing (inventory bypass) has nothing committed to ship from.
    if (order.origin?.claimsInventory ?? true) shop.inventory.move(line.variant.sku, line.locationId, { committed: -quantity }, now);
    line.fulfilled += quantity;
    return [{ lineItemId: line.id, sku: line.variant.sku, quantity, locationId: line.locationId }];
  });
  order.updatedAt = now;
  shop.stats.counters.fulfillments++;
  return { orderId: order.id, fulfilled };
}
