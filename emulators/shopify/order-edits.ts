import { z } from "zod";
import { HttpError } from "../shared/http";
import { shopTimestamp } from "./format";
import { orderPayload } from "./order-payload";
import { currentQuantity, newOrderLine, unfulfilled, type Order, type OrderLine, type Refund } from "./orders";
import type { ShopState } from "./shop-state";

/**
 * Order editing, committed in one step: what `orderEditBegin` → `orderEditAddVariant` /
 * `orderEditSetQuantity(restock:)` → `orderEditCommit` does to a shop, driven through the
 * control API (`POST /_emulator/orders/:id/edit`; the GraphQL session surface is not emulated).
 *
 * - Added units go available → committed at the location that serves them, like a checkout
 *   (https://shopify.dev/docs/apps/build/orders-fulfillment/order-management-apps/edit-orders).
 *   They become a new line item: a line's `quantity` ("including refunded and removed units",
 *   Admin schema `LineItem.quantity`) never changes after the sale, so an increase of an
 *   existing line is a line of its own here too.
 * - Removed units leave `committed`; they return to `available` only with `restock: true`
 *   ("Whether or not to restock the line item when the updated quantity is less than the
 *   original quantity", `orderEditSetQuantity.restock`). Only unfulfilled units can be removed.
 *   The removal is recorded as a refund line without a transaction (restock_type "cancel" or
 *   "no_restock"), which is what `current_quantity` counts; no `refunds/create` is sent for it
 *   (stricter than assuming one: the app must read the edit from the order itself).
 * - Sends `orders/edited` (only ids and deltas: https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/edited)
 *   and `orders/updated` (the whole order as it is now), sharing one X-Shopify-Event-Id.
 */
const lineItemIdSchema = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(Number);

export const orderEditBodySchema = z
  .object({
    addVariants: z
      .array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1).max(10_000) }))
      .max(250)
      .default([]),
    setQuantities: z
      .array(z.object({ lineItemId: lineItemIdSchema, quantity: z.number().int().min(0).max(10_000), restock: z.boolean().default(false) }))
      .max(250)
      .default([]),
    staffNote: z.string().max(255).optional(),
  })
  .refine((b) => b.addVariants.length + b.setQuantities.length > 0, "an edit needs at least one change");
export type OrderEditBody = z.infer<typeof orderEditBodySchema>;

interface LineDelta {
  id: number;
  delta: number;
}

export function editOrder(shop: ShopState, order: Order, body: OrderEditBody) {
  if (order.cancelledAt !== null) throw new HttpError(409, "a cancelled order cannot be edited");
  const { catalog, inventory } = shop;
  // Check the whole edit before touching anything (a commit applies all of it or nothing).
  const seen = new Set<number>();
  const decreases: { line: OrderLine; quantity: number; restock: boolean }[] = [];
  const increases: { sku: string; quantity: number }[] = body.addVariants.map((a) => ({ ...a }));
  body.setQuantities.forEach((set, i) => {
    const line = order.lines.find((l) => l.id === set.lineItemId);
    if (!line) throw new HttpError(400, `setQuantities.${i}.lineItemId: no line item ${set.lineItemId} on order ${order.id}`);
    if (seen.has(line.id)) throw new HttpError(400, `setQuantities.${i}.lineItemId: line ${line.id} is set twice`);
    seen.add(line.id);
    const current = currentQuantity(line);
    if (set.quantity > current) increases.push({ sku: line.variant.sku, quantity: set.quantity - current });
    else if (set.quantity < current) {
      const quantity = current - set.quantity;
      if (quantity > unfulfilled(line))
        throw new HttpError(409, `setQuantities.${i}.quantity: only ${unfulfilled(line)} unfulfilled unit(s) of line ${line.id} can be removed`);
      decreases.push({ line, quantity, restock: set.restock });
    }
  });
  for (const [i, add] of increases.entries()) if (!catalog.variantBySku(add.sku)) throw new HttpError(400, `addVariants.${i}.sku: unknown sku ${add.sku}`);
  const scratch = new Map<string, number>();
  const left = (sku: string, loc: string) => scratch.get(`${sku}\u0000${loc}`) ?? inventory.level(sku, loc).available;
  const placed = increases.map((add) => {
    const location = catalog.locations.find((l) => left(add.sku, l.id) >= add.quantity);
    if (!location) throw new HttpError(409, `not enough available stock of ${add.sku} to add ${add.quantity}`);
    scratch.set(`${add.sku}\u0000${location.id}`, left(add.sku, location.id) - add.quantity);
    return { ...add, locationId: location.id };
  });

  const now = shop.now();
  const additions: LineDelta[] = placed.map((p) => {
    const variant = catalog.variantBySku(p.sku);
    if (!variant) throw new Error(`sku vanished: ${p.sku}`);
    inventory.move(p.sku, p.locationId, { available: -p.quantity, committed: p.quantity }, now, "checkout");
    const line = newOrderLine(shop.ids.lineItem.next(), variant, p.quantity, p.locationId);
    order.lines.push(line);
    return { id: line.id, delta: p.quantity };
  });
  const removals: LineDelta[] = [];
  if (decreases.length > 0) {
    const refund: Refund = {
      id: shop.ids.refund.next(),
      createdAt: now,
      note: body.staffNote ?? null,
      lines: [],
      transactionId: shop.ids.transaction.next(),
      // An edit's removal is a refund record without money (no transaction is processed).
      amountCents: 0,
      presentmentCents: 0,
    };
    for (const { line, quantity, restock } of decreases) {
      inventory.move(line.variant.sku, line.locationId, { committed: -quantity, ...(restock ? { available: quantity } : {}) }, now);
      line.removed += quantity;
      refund.lines.push({
        id: shop.ids.refundLine.next(),
        line,
        quantity,
        restockType: restock ? "cancel" : "no_restock",
        locationId: restock ? line.locationId : null,
      });
      removals.push({ id: line.id, delta: quantity });
    }
    order.refunds.push(refund);
  }
  order.updatedAt = now;
  const editId = shop.ids.refund.next();
  const { eventId } = shop.webhooks.send("orders/edited", orderEditedPayload(order, editId, now, { additions, removals }, body.staffNote ?? ""), now);
  shop.webhooks.send("orders/updated", orderPayload(shop, order), now, eventId);
  return { orderId: order.id, orderEditId: editId, additions, removals };
}

/** The `orders/edited` body: ids and deltas only (no SKU, no restock flag, no location). */
export function orderEditedPayload(order: Order, editId: number, at: number, lineItems: { additions: LineDelta[]; removals: LineDelta[] }, staffNote: string) {
  const stamp = shopTimestamp(at);
  return {
    order_edit: {
      id: editId,
      app_id: null,
      created_at: stamp,
      committed_at: stamp,
      notify_customer: false,
      order_id: order.id,
      staff_note: staffNote,
      user_id: null,
      line_items: lineItems,
      discounts: { line_item: { additions: [], removals: [] } },
      shipping_lines: { additions: [], removals: [] },
    },
  };
}
