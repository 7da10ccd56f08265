import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { targetKey } from "@/lib/domain/channel-targets";
import type { StockEvent } from "@/lib/domain/events";
import { signBody } from "@/lib/http/hmac";
import { readBelieved } from "@/lib/redis/channel-store";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { readSnapshots } from "@/lib/redis/projection-store";
import { shopifySource } from "@/lib/sources/webhook-sources";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { handleWebhook } from "@/workers/webhook-intake";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * Routing truth (issue 13): Shopify routes an online order to a location and commits the units
 * there. Until we know where, our per-location numbers put the reservation at the first location
 * in priority order and Shopify offers a phantom unit at the routed one. The routing webhook
 * (ids only) is read back through the Admin API and moves the reservation; after it, Shopify's
 * per-location `available`, our belief of it, and the projection's reservations all match
 * Shopify's own routing, in either delivery order.
 */
vi.mock("next/server", () => ({ after: () => undefined }));
const SECRET = "routing-test-secret-0123456789";
const catalog = loadCatalog(2, 2);
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  process.env.SHOPIFY_WEBHOOK_SECRET = SECRET;
  process.env.SHOPIFY_STORE_DOMAIN = "load-test.myshopify.com";
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());

const at = "2026-11-27T08:00:00.000Z";
const receipt = (id: string, sku: string, locationId: string, quantity: number): StockEvent => ({
  id,
  kind: "receipt",
  sku,
  locationId,
  quantity,
  occurredAt: at,
  source: "wms",
  sourceUri: "test://wms",
});

async function settle() {
  await drainIntake(world.ctx, { maxMs: 5_000 });
  await flushChannels(world.ctx, { maxMs: 5_000 });
}
async function deliver(source: "wms" | "shopify", events: StockEvent[]) {
  await enqueueDelivery(world.ctx.redis, source, null, events);
  await settle();
}
const levels = async (sku: string) => {
  const body = (await (await fetch(`${world.shopify.url}/_emulator/inventory?sku=${sku}`)).json()) as Record<
    string,
    Record<string, { available: number; committed: number }>
  >;
  return body[sku]!;
};
async function admin<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${world.shopify.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Shopify-Access-Token": "shpat_load_test_token" },
    body: JSON.stringify({ query, variables }),
  });
  return ((await res.json()) as { data: T }).data;
}
async function checkout(sku: string, quantity: number) {
  const res = await fetch(`${world.shopify.url}/_emulator/checkout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lines: [{ sku, quantity }] }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { orderId: number; lines: { lineItemId: number; locationId: string }[] };
}
const orderCreated = (sku: string, order: { orderId: number; lines: { lineItemId: number }[] }, quantity: number): StockEvent => ({
  id: `shopify:reserve:${order.orderId}:${order.lines[0]!.lineItemId}`,
  kind: "reserve",
  sku,
  channel: "shopify",
  lineKey: `shopify:${order.orderId}:${order.lines[0]!.lineItemId}`,
  quantity,
  occurredAt: at,
  source: "shopify",
  sourceUri: `shopify://orders/${order.orderId}`,
});
async function routingWebhook(topic: string, body: unknown): Promise<Response> {
  const raw = JSON.stringify(body);
  const request = new Request("http://stock.test/api/webhooks/shopify", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": "load-test.myshopify.com",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-hmac-sha256": signBody(raw, SECRET),
    },
    body: raw,
  });
  const response = await handleWebhook(request, shopifySource, world.ctx);
  await settle();
  return response;
}
async function fulfillmentOrderOf(orderId: number): Promise<{ id: string; location: string }> {
  const data = await admin<{ order: { fulfillmentOrders: { nodes: { id: string; assignedLocation: { location: { id: string } } }[] } } }>(
    `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id assignedLocation { location { id } } } } } }`,
    { id: `gid://shopify/Order/${orderId}` },
  );
  const [fo] = data.order.fulfillmentOrders.nodes;
  return { id: fo!.id, location: fo!.assignedLocation.location.id };
}
/** Shopify's per-location available, our belief of it, and where the projection holds the reservation. */
async function picture(sku: string) {
  const shop = await levels(sku);
  const believed = await readBelieved(world.ctx.redis, "shopify", [targetKey(sku, "wh-east"), targetKey(sku, "wh-west")]);
  const projection = (await readSnapshots(world.ctx.redis, [sku])).get(sku);
  return {
    available: { east: shop["wh-east"]!.available, west: shop["wh-west"]!.available },
    believed: { east: believed.get(targetKey(sku, "wh-east")), west: believed.get(targetKey(sku, "wh-west")) },
    reserved: {
      east: projection?.projection.reserved["wh-east"] ?? 0,
      west: projection?.projection.reserved["wh-west"] ?? 0,
      unassigned: projection?.projection.unassigned,
    },
    committed: { east: shop["wh-east"]!.committed, west: shop["wh-west"]!.committed },
  };
}

describe("routing truth", () => {
  it("an online order Shopify routes to the second location: after routing, no phantom unit there and our numbers match Shopify's", async () => {
    const sku = "LOAD-0-0";
    // East 3, west 6; Shopify buffer 2 per location → Shopify offers 1 / 4.
    await deliver("wms", [receipt("rt-0-e", sku, "wh-east", 3), receipt("rt-0-w", sku, "wh-west", 6)]);
    expect((await levels(sku))["wh-east"]!.available).toBe(1);
    // 2 units: east cannot ship them, Shopify routes the order to west and commits there.
    const order = await checkout(sku, 2);
    expect(order.lines[0]!.locationId).toBe("wh-west");
    const fo = await fulfillmentOrderOf(order.orderId);
    expect(fo.location).toBe("gid://shopify/Location/71002");
    await deliver("shopify", [orderCreated(sku, order, 2)]);
    // Before routing is known the reservation is unassigned and taken from east first: Shopify
    // shows west 3, one unit more than west can sell (the gap the routing webhook closes).
    expect((await picture(sku)).available).toEqual({ east: 0, west: 3 });
    const response = await routingWebhook("fulfillment_orders/order_routing_complete", { fulfillment_order: { id: fo.id, status: "open" } });
    // West: 6 − 2 committed − buffer 2 = 2 (not 3); east: 3 − buffer 2 = 1.
    expect(await picture(sku)).toEqual({
      available: { east: 1, west: 2 },
      believed: { east: 1, west: 2 },
      reserved: { east: 0, west: 2, unassigned: 0 },
      committed: { east: 0, west: 2 },
    });
    expect(response.status).toBe(202);
  });

  it("the routing webhook before orders/create nets the same, and a move follows the fulfillment order", async () => {
    const sku = "LOAD-1-0";
    await deliver("wms", [receipt("rt-1-e", sku, "wh-east", 3), receipt("rt-1-w", sku, "wh-west", 6)]);
    const order = await checkout(sku, 2);
    const fo = await fulfillmentOrderOf(order.orderId);
    const routed = await routingWebhook("fulfillment_orders/order_routing_complete", { fulfillment_order: { id: fo.id, status: "open" } });
    await deliver("shopify", [orderCreated(sku, order, 2)]);
    expect(await picture(sku)).toEqual({
      available: { east: 1, west: 2 },
      believed: { east: 1, west: 2 },
      reserved: { east: 0, west: 2, unassigned: 0 },
      committed: { east: 0, west: 2 },
    });
    expect(routed.status).toBe(202);
    // A restock at east, then the merchant moves the fulfillment order there.
    await deliver("wms", [receipt("rt-1-e2", sku, "wh-east", 4)]);
    const moved = await fetch(`${world.shopify.url}/_emulator/fulfillment-orders/move`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fulfillmentOrderId: fo.id, locationId: "wh-east" }),
    });
    expect(moved.status).toBe(200);
    const { moved: movedId } = (await moved.json()) as { moved: string };
    expect(
      (await routingWebhook("fulfillment_orders/moved", { original_fulfillment_order: { id: fo.id }, moved_fulfillment_order: { id: movedId } })).status,
    ).toBe(202);
    // East 7 − 2 − 2 = 3, west 6 − 2 = 4.
    expect(await picture(sku)).toEqual({
      available: { east: 3, west: 4 },
      believed: { east: 3, west: 4 },
      reserved: { east: 2, west: 0, unassigned: 0 },
      committed: { east: 2, west: 0 },
    });
  });
});
