import type { StockContext } from "@/lib/context";
import type { StockEvent } from "@/lib/domain/events";
import { log } from "@/lib/log";
import { readFulfillmentOrder } from "@/lib/shopify/fulfillment-orders";
import { relocateEvents, routedFulfillmentOrders, type RoutingTopic } from "@/lib/sources/shopify-routing";

/** Shopify could not be read now: the webhook is answered 503 so Shopify delivers it again (nothing lost). */
export class RoutingReadUnavailable extends Error {}

/**
 * A routing webhook (`fulfillment_orders/order_routing_complete` or `/moved`) → `relocate` events:
 * its bodies carry ids only, so each fulfillment order is read through the Admin facade and its
 * assigned location mapped to ours through the policy's `shopifyLocationId`. Throws PayloadError
 * for a malformed body, RoutingReadUnavailable when Shopify does not answer.
 */
export async function routingEvents(ctx: StockContext, topic: RoutingTopic, body: unknown): Promise<StockEvent[]> {
  const ids = routedFulfillmentOrders(topic, body);
  const admin = ctx.clients.shopify;
  if (!admin) throw new RoutingReadUnavailable("Shopify Admin is not configured");
  const policy = await ctx.policy();
  const byGid = new Map(Object.entries(policy.locations).flatMap(([id, l]) => (l.shopifyLocationId ? [[l.shopifyLocationId, id] as const] : [])));
  const events: StockEvent[] = [];
  for (const id of ids) {
    const result = await readFulfillmentOrder(admin, id);
    if (result.kind !== "ok") throw new RoutingReadUnavailable(`fulfillment order ${id}: ${result.kind === "error" ? result.message : result.reason}`);
    if (!result.data) {
      log.warn("routing.unknown_fulfillment_order", { id });
      continue;
    }
    events.push(...relocateEvents(result.data, (gid) => byGid.get(gid), ctx.now()));
  }
  return events;
}
