import { z } from "zod";
import { HttpError } from "../shared/http";
import { forwardToFulfillment, recordOrder } from "./checkout";
import { newOrderLine, type OrderLine } from "./orders";
import type { ShopState } from "./shop-state";

/**
 * Orders that do not come from the online checkout (checkout.ts):
 * - a POS counter sale: handed over at once, so Shopify takes the units off available (and
 *   on hand) at that location right away and no fulfilment follows; `location_id` is the
 *   store's numeric id, `source_name` "pos" (https://shopify.dev/docs/api/admin-rest/latest/resources/order);
 * - an app's `orderCreate`: `options.inventoryBehaviour` defaults to BYPASS ("Do not claim
 *   inventory", https://shopify.dev/docs/api/admin-graphql/latest/input-objects/OrderCreateOptionsInput),
 *   and `sourceName` is the app's own. It still sends `orders/create`.
 * Either may be a test order (`test: true`).
 */
const linesSchema = z
  .array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1).max(10_000) }))
  .min(1)
  .max(250);

export const posSaleBodySchema = z.object({ locationId: z.string().min(1), lines: linesSchema, test: z.boolean().default(false) });

export const apiOrderBodySchema = z.object({
  lines: linesSchema,
  sourceName: z.string().min(1).max(100).default("my-app"),
  inventoryBehaviour: z.enum(["BYPASS", "DECREMENT_IGNORING_POLICY", "DECREMENT_OBEYING_POLICY"]).default("BYPASS"),
  test: z.boolean().default(false),
});

function orderLines(shop: ShopState, lines: z.infer<typeof linesSchema>, locationId: string, fulfilled: boolean): OrderLine[] {
  return lines.map((l) => {
    const variant = shop.catalog.variantBySku(l.sku);
    if (!variant) throw new HttpError(400, `unknown sku ${l.sku}`);
    return newOrderLine(shop.ids.lineItem.next(), variant, l.quantity, locationId, fulfilled ? l.quantity : 0);
  });
}

const result = (order: { id: number; name: string; lines: OrderLine[] }) => ({
  orderId: order.id,
  name: order.name,
  lines: order.lines.map((l) => ({ lineItemId: l.id, sku: l.variant.sku, quantity: l.quantity, locationId: l.locationId })),
});

export function posSale(shop: ShopState, body: z.infer<typeof posSaleBodySchema>) {
  if (!shop.catalog.locationById(body.locationId)) throw new HttpError(400, `unknown location ${body.locationId}`);
  const lines = orderLines(shop, body.lines, body.locationId, true);
  const now = shop.now();
  // POS sells what the store holds; Shopify lets the count go negative rather than refuse a sale in hand.
  for (const l of lines) shop.inventory.move(l.variant.sku, body.locationId, { available: -l.quantity }, now, "checkout");
  return result(recordOrder(shop, lines, undefined, { sourceName: "pos", posLocationId: body.locationId, test: body.test, claimsInventory: true }));
}

export function apiOrder(shop: ShopState, body: z.infer<typeof apiOrderBodySchema>) {
  const location = shop.catalog.locations[0];
  if (!location) throw new HttpError(409, "the shop has no location");
  const lines = orderLines(shop, body.lines, location.id, false);
  const claims = body.inventoryBehaviour !== "BYPASS";
  if (body.inventoryBehaviour === "DECREMENT_OBEYING_POLICY") {
    const short = lines.find((l) => shop.inventory.level(l.variant.sku, location.id).available < l.quantity);
    if (short) throw new HttpError(409, `not enough ${short.variant.sku} at ${location.id}`);
  }
  const now = shop.now();
  if (claims) for (const l of lines) shop.inventory.move(l.variant.sku, location.id, { available: -l.quantity, committed: l.quantity }, now, "checkout");
  const order = recordOrder(shop, lines, undefined, { sourceName: body.sourceName, posLocationId: null, test: body.test, claimsInventory: claims });
  forwardToFulfillment(shop, order);
  return result(order);
}
