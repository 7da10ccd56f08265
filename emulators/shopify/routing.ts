import { paginate } from "./connection";
import { graphqlDateTime } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid, parseGid } from "./ids";
import { locationNode } from "./admin-objects";
import { unfulfilled, type Order, type OrderLine } from "./orders";
import type { ShopState } from "./shop-state";

/**
 * Shopify's order routing, the faithful subset (https://help.shopify.com/en/manual/fulfillment/order-routing,
 * "Understanding order routing"): the default rules in order are "minimize split fulfillment",
 * then the merchant's ranked locations (the catalogue's priority order stands in for "closest
 * location", which needs addresses the emulator does not model). So:
 * 1. one location that can ship every line of the order wins, the highest ranked first;
 * 2. otherwise each line goes to the highest-ranked location that covers it whole.
 * A line no single location covers is refused, where Shopify could split it across locations:
 * stricter than Shopify (a sale refused, never an extra one), and the line model keeps one
 * location per line. Routing decides where the units are committed, so per-location
 * `available` follows it. Each routed location becomes one fulfillment order
 * (https://shopify.dev/docs/apps/build/orders-fulfillment/order-management-apps/manage-fulfillments),
 * announced by `fulfillment_orders/order_routing_complete` after the order, with the webhooks'
 * own lag, so either may arrive first.
 */
export interface RouteLine {
  sku: string;
  quantity: number;
}

export type Routing = { ok: true; locations: string[] } | { ok: false; shortages: { sku: string; requested: number; available: number }[] };

export function routeOrder(lines: readonly RouteLine[], ranked: readonly string[], available: (sku: string, loc: string) => number): Routing {
  // Two lines of one SKU draw from the same shelf.
  const need = new Map<string, number>();
  for (const l of lines) need.set(l.sku, (need.get(l.sku) ?? 0) + l.quantity);
  const whole = ranked.find((loc) => [...need].every(([sku, q]) => available(sku, loc) >= q));
  if (whole !== undefined) return { ok: true, locations: lines.map(() => whole) };
  const taken = new Map<string, number>();
  const left = (sku: string, loc: string) => available(sku, loc) - (taken.get(`${sku}\u0000${loc}`) ?? 0);
  const locations: string[] = [];
  const shortages: { sku: string; requested: number; available: number }[] = [];
  for (const line of lines) {
    const loc = ranked.find((l) => left(line.sku, l) >= line.quantity);
    if (loc === undefined) {
      shortages.push({ sku: line.sku, requested: line.quantity, available: Math.max(0, ...ranked.map((l) => left(line.sku, l))) });
      continue;
    }
    taken.set(`${line.sku}\u0000${loc}`, (taken.get(`${line.sku}\u0000${loc}`) ?? 0) + line.quantity);
    locations.push(loc);
  }
  return shortages.length > 0 ? { ok: false, shortages } : { ok: true, locations };
}

/**
 * Fulfillment orders are derived from the order's lines, one per location in use, so a restart
 * needs no extra state: id = order id × 100 + the location's rank + 1 (≤ 99 locations). Moving a
 * line gives it its new location's fulfillment order, like a partial move on Shopify, which
 * creates a new fulfillment order for the moved items.
 */
const FO_SPAN = 100;
export const fulfillmentOrderId = (order: Order, rank: number): number => order.id * FO_SPAN + rank + 1;

export interface FulfillmentOrderView {
  id: number;
  order: Order;
  locationId: string;
  lines: OrderLine[];
}

export function fulfillmentOrders(shop: ShopState, order: Order): FulfillmentOrderView[] {
  return shop.catalog.locations.flatMap((loc, rank) => {
    const lines = order.lines.filter((l) => l.locationId === loc.id);
    return lines.length > 0 ? [{ id: fulfillmentOrderId(order, rank), order, locationId: loc.id, lines }] : [];
  });
}

export function fulfillmentOrderByGid(shop: ShopState, id: unknown): FulfillmentOrderView | undefined {
  const numeric = typeof id === "string" ? parseGid(id, "FulfillmentOrder") : null;
  if (numeric === null) return undefined;
  const order = shop.orders.get(Math.floor(numeric / FO_SPAN));
  return order ? fulfillmentOrders(shop, order).find((fo) => fo.id === numeric) : undefined;
}

/** FulfillmentOrderStatus: closed once nothing is left to ship, cancelled with its order. */
const statusOf = (fo: FulfillmentOrderView): "OPEN" | "CLOSED" | "CANCELLED" =>
  fo.order.cancelledAt !== null ? "CANCELLED" : fo.lines.every((l) => unfulfilled(l) === 0) ? "CLOSED" : "OPEN";

export function fulfillmentOrderNode(shop: ShopState, fo: FulfillmentOrderView): GraphQLObject {
  const location = shop.catalog.locations.find((l) => l.id === fo.locationId);
  if (!location) throw new Error(`fulfillment order at unknown location ${fo.locationId}`);
  return {
    __typename: "FulfillmentOrder",
    id: gid("FulfillmentOrder", fo.id),
    status: statusOf(fo),
    createdAt: graphqlDateTime(fo.order.createdAt),
    updatedAt: graphqlDateTime(fo.order.updatedAt),
    orderId: gid("Order", fo.order.id),
    orderName: fo.order.name,
    order: { __typename: "Order", id: gid("Order", fo.order.id), legacyResourceId: String(fo.order.id), name: fo.order.name },
    assignedLocation: { __typename: "FulfillmentOrderAssignedLocation", name: location.name, location: locationNode(shop, location) },
    lineItems: (args: Record<string, unknown>) =>
      paginate(
        fo.lines,
        args,
        (l) => l.id,
        (l) => ({
          __typename: "FulfillmentOrderLineItem",
          id: gid("FulfillmentOrderLineItem", l.id),
          sku: l.variant.sku,
          totalQuantity: l.quantity - l.removed,
          remainingQuantity: fo.order.cancelledAt === null ? unfulfilled(l) : 0,
          lineItem: { __typename: "LineItem", id: gid("LineItem", l.id), sku: l.variant.sku, quantity: l.quantity },
        }),
      ),
  };
}

/** `fulfillment_orders/order_routing_complete`: only the id and status, as on Shopify; readers fetch the rest. */
export function sendRoutingComplete(shop: ShopState, order: Order, at: number): void {
  for (const fo of fulfillmentOrders(shop, order))
    shop.webhooks.send("fulfillment_orders/order_routing_complete", { fulfillment_order: { id: gid("FulfillmentOrder", fo.id), status: "open" } }, at);
}

export type MoveResult = { ok: true; moved: string; original: string } | { ok: false; message: string };

/**
 * `fulfillmentOrderMove` for a whole fulfillment order: its unfulfilled lines go to `locationId`
 * (the committed units move with them; the destination must have them available, as Shopify
 * only offers `locationsForMove` that stock the items) and `fulfillment_orders/moved` follows.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/fulfillmentOrderMove
 */
export function moveFulfillmentOrder(shop: ShopState, foGid: string, locationId: string): MoveResult {
  const fo = fulfillmentOrderByGid(shop, foGid);
  if (!fo) return { ok: false, message: "Fulfillment order does not exist." };
  const rank = shop.catalog.locations.findIndex((l) => l.id === locationId);
  if (rank < 0) return { ok: false, message: "Location does not exist." };
  if (statusOf(fo) !== "OPEN") return { ok: false, message: "Fulfillment order is not in an open state." };
  if (locationId === fo.locationId) return { ok: false, message: "Cannot move to the same location." };
  const lines = fo.lines.filter((l) => unfulfilled(l) > 0);
  for (const l of lines)
    if (shop.inventory.level(l.variant.sku, locationId).available < unfulfilled(l))
      return { ok: false, message: `Insufficient inventory at the destination for ${l.variant.sku}.` };
  const now = shop.now();
  for (const l of lines) {
    const q = unfulfilled(l);
    shop.inventory.move(l.variant.sku, fo.locationId, { available: q, committed: -q }, now, "other");
    shop.inventory.move(l.variant.sku, locationId, { available: -q, committed: q }, now, "other");
    l.locationId = locationId;
  }
  fo.order.updatedAt = now;
  const moved = gid("FulfillmentOrder", fulfillmentOrderId(fo.order, rank));
  const destination = shop.catalog.locations[rank]!;
  shop.webhooks.send(
    "fulfillment_orders/moved",
    {
      original_fulfillment_order: { id: foGid, status: "closed" },
      moved_fulfillment_order: { id: moved, status: "open" },
      destination_location_id: destination.gid,
      source_location: { id: shop.catalog.locations.find((l) => l.id === fo.locationId)?.gid ?? null },
      fulfillment_order_line_items_requested: null,
    },
    now,
  );
  return { ok: true, moved, original: foGid };
}
