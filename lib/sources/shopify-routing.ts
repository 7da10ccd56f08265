import { z } from "zod";
import { skuSchema, type StockEvent } from "../domain/events";
import { formatLineKey } from "../domain/line-key";
import type { FulfillmentOrder } from "../shopify/fulfillment-orders";
import { checkEvent, parseOrThrow } from "./parse";

/**
 * Routing truth: Shopify decides at checkout which location ships each line (order routing) and
 * commits the units there, and a merchant may move a fulfillment order later. Both webhooks carry
 * ids only (`fulfillment_orders/order_routing_complete`: `{fulfillment_order: {id, status}}`;
 * `fulfillment_orders/moved`: the original and moved fulfillment orders,
 * https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-fulfillment_orders/moved),
 * so the worker reads each fulfillment order (lib/shopify/fulfillment-orders.ts) and this file
 * turns it into one `relocate` per line. The effect id names the fulfillment order, the location
 * and the fulfillment order's `updatedAt`: a redelivery, or both webhooks reading the same state,
 * is one effect. Routings are ordered by when we read them (`routedAt`), not by `updatedAt`:
 * Shopify's DateTime has whole seconds, so a move within the second of the routing would tie, and
 * a read always sees Shopify's current state, so the later read is the truer one, whichever
 * webhook caused it (a stale delivery arriving late reads the current state too).
 */
export const routingTopicSchema = z.enum(["fulfillment_orders/order_routing_complete", "fulfillment_orders/moved"]);
export type RoutingTopic = z.infer<typeof routingTopicSchema>;

const foRef = z.object({ id: z.string().regex(/^gid:\/\/shopify\/FulfillmentOrder\/\d+$/, "expected a FulfillmentOrder gid") });
const routingCompleteSchema = z.object({ fulfillment_order: foRef });
const movedSchema = z.object({ original_fulfillment_order: foRef.nullish(), moved_fulfillment_order: foRef.nullish() });

/** The fulfillment orders a routing webhook is about (to be read through the Admin API). Throws PayloadError. */
export function routedFulfillmentOrders(topic: RoutingTopic, body: unknown): string[] {
  if (topic === "fulfillment_orders/order_routing_complete") return [parseOrThrow(routingCompleteSchema, body).fulfillment_order.id];
  const moved = parseOrThrow(movedSchema, body);
  return [...new Set([moved.moved_fulfillment_order?.id, moved.original_fulfillment_order?.id].filter((id): id is string => id !== undefined))];
}

const numericId = (gid: string): string | null => /\/(\d+)$/.exec(gid)?.[1] ?? null;

/**
 * One `relocate` per line the fulfillment order holds at a location we manage. A cancelled or
 * closed fulfillment order routes nothing (cancelled: the cancellation releases the line; closed:
 * nothing is left to ship there, what remains of a line sits in another fulfillment order); a
 * line whose SKU we cannot track is left out, as orders/create leaves it out.
 */
export function relocateEvents(fo: FulfillmentOrder, locationOf: (shopifyLocationGid: string) => string | undefined, readAt: number): StockEvent[] {
  const shopLocation = fo.assignedLocation.location?.id;
  const locationId = shopLocation ? locationOf(shopLocation) : undefined;
  const orderId = numericId(fo.order.id);
  const foId = numericId(fo.id);
  const updatedAt = Date.parse(fo.updatedAt);
  if (fo.status === "CANCELLED" || fo.status === "CLOSED" || !locationId || !orderId || !foId || Number.isNaN(updatedAt)) return [];
  return fo.lineItems.nodes.flatMap((node) => {
    const lineId = numericId(node.lineItem.id);
    const sku = skuSchema.safeParse(node.lineItem.sku);
    if (!lineId || !sku.success || node.totalQuantity <= 0) return [];
    return [
      checkEvent(
        {
          id: `shopify:route:${orderId}:${lineId}:${foId}:${locationId}:${updatedAt}`,
          kind: "relocate",
          sku: sku.data,
          channel: "shopify",
          lineKey: formatLineKey("shopify", orderId, lineId),
          locationId,
          routedAt: readAt,
          occurredAt: new Date(updatedAt).toISOString(),
          source: "shopify",
          sourceUri: `shopify://fulfillment_orders/${foId}`,
        },
        ["fulfillmentOrder", "lineItems"],
      ),
    ];
  });
}
