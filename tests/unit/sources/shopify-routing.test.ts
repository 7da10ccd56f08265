import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, parse, validate, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { ALL_FULFILLMENT_DOCUMENTS } from "@/lib/shopify/fulfillment-documents";
import type { FulfillmentOrder } from "@/lib/shopify/fulfillment-orders";
import { WEBHOOK_SUBSCRIPTIONS } from "@/lib/shopify/app-manifest";
import { relocateEvents, routedFulfillmentOrders, routingTopicSchema } from "@/lib/sources/shopify-routing";
import { PayloadError } from "@/lib/sources/payload-error";

const file = path.resolve(import.meta.dirname, "..", "..", "..", "emulators", "shopify", "schema", "admin-2026-10.introspection.json.gz");
const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data?: IntrospectionQuery } & IntrospectionQuery;
const schema = buildClientSchema(introspection.data ?? introspection);

const fo = (over: Partial<FulfillmentOrder> = {}): FulfillmentOrder => ({
  id: "gid://shopify/FulfillmentOrder/900",
  status: "OPEN",
  updatedAt: "2026-11-27T08:00:05Z",
  order: { id: "gid://shopify/Order/1001" },
  assignedLocation: { location: { id: "gid://shopify/Location/71002" } },
  lineItems: {
    nodes: [
      { totalQuantity: 2, lineItem: { id: "gid://shopify/LineItem/2001", sku: "DWN-BLK-M" } },
      { totalQuantity: 1, lineItem: { id: "gid://shopify/LineItem/2002", sku: null } },
    ],
  },
  ...over,
});
const locations: Record<string, string> = { "gid://shopify/Location/71001": "wh-east", "gid://shopify/Location/71002": "wh-west" };
const locationOf = (gid: string) => locations[gid];

describe("Shopify routing webhooks", () => {
  it("the fulfillment order document validates against the 2026-10 schema", () => {
    for (const doc of Object.values(ALL_FULFILLMENT_DOCUMENTS)) expect(validate(schema, parse(doc)).map((e) => e.message)).toEqual([]);
  });

  it("every routing topic is in the app manifest, with the fulfillment-order scope", () => {
    for (const topic of routingTopicSchema.options)
      expect(WEBHOOK_SUBSCRIPTIONS.find((s) => s.topic === topic)).toMatchObject({ reads: "stock", scope: "read_merchant_managed_fulfillment_orders" });
  });

  it("reads the fulfillment order ids out of both bodies; a malformed body names its field", () => {
    expect(
      routedFulfillmentOrders("fulfillment_orders/order_routing_complete", { fulfillment_order: { id: "gid://shopify/FulfillmentOrder/1", status: "open" } }),
    ).toEqual(["gid://shopify/FulfillmentOrder/1"]);
    expect(
      routedFulfillmentOrders("fulfillment_orders/moved", {
        original_fulfillment_order: { id: "gid://shopify/FulfillmentOrder/1" },
        moved_fulfillment_order: { id: "gid://shopify/FulfillmentOrder/2" },
      }),
    ).toEqual(["gid://shopify/FulfillmentOrder/2", "gid://shopify/FulfillmentOrder/1"]);
    expect(() => routedFulfillmentOrders("fulfillment_orders/order_routing_complete", { fulfillment_order: { id: 7 } })).toThrow(PayloadError);
  });

  it("one relocate per tracked line, on the order's line key, with an effect id from the fulfillment order's state", () => {
    const events = relocateEvents(fo(), locationOf, 1_764_230_405_123);
    expect(events).toEqual([
      {
        id: "shopify:route:1001:2001:900:wh-west:1795766405000",
        kind: "relocate",
        sku: "DWN-BLK-M",
        channel: "shopify",
        lineKey: "shopify:1001:2001",
        locationId: "wh-west",
        routedAt: 1_764_230_405_123,
        occurredAt: "2026-11-27T08:00:05.000Z",
        source: "shopify",
        sourceUri: "shopify://fulfillment_orders/900",
      },
    ]);
    // A redelivery read later is the same effect.
    expect(relocateEvents(fo(), locationOf, 1_764_230_999_000).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it("routes nothing for a cancelled or closed fulfillment order or a location we do not manage", () => {
    expect(relocateEvents(fo({ status: "CANCELLED" }), locationOf, 1)).toEqual([]);
    expect(relocateEvents(fo({ status: "CLOSED" }), locationOf, 1)).toEqual([]);
    expect(relocateEvents(fo({ assignedLocation: { location: { id: "gid://shopify/Location/99" } } }), locationOf, 1)).toEqual([]);
  });
});
