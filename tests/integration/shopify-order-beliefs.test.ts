import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { shopifySource } from "@/lib/sources/webhook-sources";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";
import { deliveryHeader, startFakeApp, type FakeApp } from "../support/fake-app";

/**
 * Shopify order flows that move Shopify's own `available` differently from an online sale
 * (returns, POS counter sales, cancellations without restock, app orders that bypass
 * inventory), driven through the Shopify emulator, our webhook parser and the workers on
 * real Redis. After one drain + flush Shopify must show exactly what the projection wants.
 * Shopify buffer: 2 per location (scripts/stack/edge-config.json).
 */
const SECRET = "orders-webhook-secret-0123456789";
const catalog = loadCatalog(4, 1);
let world: Awaited<ReturnType<typeof startChannelWorld>>;
let app: FakeApp;
let seen = 0;

beforeAll(async () => {
  app = await startFakeApp({ secret: SECRET, signatureHeader: "x-shopify-hmac-sha256" });
  world = await startChannelWorld(catalog, 20261202, {}, { shopifyWebhook: { url: app.url, secret: SECRET } });
}, 60_000);
afterAll(async () => {
  await world?.stop();
  await app?.stop();
});

const at = "2026-11-27T08:00:00.000Z";
const wms = (id: string, kind: "receipt" | "pick", sku: string, locationId: string, quantity: number, lineKey?: string): StockEvent =>
  ({ id, kind, sku, locationId, quantity, occurredAt: at, source: "wms", sourceUri: "test://wms", ...(lineKey ? { lineKey } : {}) }) as StockEvent;

async function run(): Promise<void> {
  await drainIntake(world.ctx, { maxMs: 5_000 });
  await flushChannels(world.ctx, { maxMs: 5_000 });
}
async function deliverWms(events: StockEvent[]): Promise<void> {
  await enqueueDelivery(world.ctx.redis, "wms", null, events);
  await run();
}
/** Every Shopify webhook not yet taken, through our parser (with the policy) and intake queue, in `order` of arrival or reversed. */
async function deliverShopify(order: "arrival" | "reversed" = "arrival"): Promise<void> {
  await world.shopify.sender.idle();
  const fresh = app.deliveries.slice(seen);
  seen = app.deliveries.length;
  const policy = await world.ctx.policy();
  for (const d of order === "arrival" ? fresh : [...fresh].reverse()) {
    const headers = new Headers(Object.entries(d.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
    const events = shopifySource.parse(headers, d.body, { policy }) ?? [];
    if (events.length > 0) await enqueueDelivery(world.ctx.redis, "shopify", deliveryHeader(d, "x-shopify-webhook-id"), events);
  }
  await run();
}
async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${world.shopify.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
async function available(sku: string): Promise<{ east: number | undefined; west: number | undefined }> {
  const body = (await (await fetch(`${world.shopify.url}/_emulator/inventory?sku=${sku}`)).json()) as Record<string, Record<string, { available: number }>>;
  return { east: body[sku]?.["wh-east"]?.available, west: body[sku]?.["wh-west"]?.available };
}
type Order = { orderId: number; lines: { lineItemId: number; locationId: string }[] };

describe("Shopify order beliefs through the emulator", () => {
  it("a return refund: Shopify restocked at once, and one flush brings it back to the projection (F4)", async () => {
    const sku = "LOAD-0-0";
    await deliverWms([wms("r0e", "receipt", sku, "wh-east", 5), wms("r0w", "receipt", sku, "wh-west", 0)]);
    expect(await available(sku)).toMatchObject({ east: 3 });
    const order = await post<Order>("/_emulator/checkout", { lines: [{ sku, quantity: 1 }] });
    await deliverShopify();
    expect(await available(sku)).toMatchObject({ east: 2 });
    await post(`/_emulator/orders/${order.orderId}/fulfill`, {});
    await deliverWms([wms("p0", "pick", sku, "wh-east", 1, `shopify:${order.orderId}:${order.lines[0]?.lineItemId}`)]);
    expect(await available(sku)).toMatchObject({ east: 2 });
    // The buyer sends it back; the merchant refunds with restock: Shopify shows 3, the unit is still in the post.
    await post(`/_emulator/orders/${order.orderId}/refund`, { lines: [{ lineItemId: order.lines[0]?.lineItemId, quantity: 1, restockType: "return" }] });
    expect(await available(sku)).toMatchObject({ east: 3 });
    await deliverShopify();
    // On hand 4 − buffer 2.
    expect(await available(sku)).toMatchObject({ east: 2 });
  });

  it("a POS counter sale lowers that location's number at once and leaves no reservation waiting for a pick (F5)", async () => {
    const sku = "LOAD-1-0";
    await deliverWms([wms("r1e", "receipt", sku, "wh-east", 4), wms("r1w", "receipt", sku, "wh-west", 6)]);
    expect(await available(sku)).toEqual({ east: 2, west: 4 });
    await post("/_emulator/pos-sales", { locationId: "wh-west", lines: [{ sku, quantity: 2 }] });
    expect(await available(sku)).toEqual({ east: 2, west: 2 });
    await deliverShopify();
    // West on hand 6 − 2 sold over the counter − buffer 2 = 2; nothing is reserved anywhere.
    expect(await available(sku)).toEqual({ east: 2, west: 2 });
    const projection = await world.ctx.redis.hgetall<Record<string, unknown>>(`stk:{${sku}}:p`);
    expect(Object.entries(projection ?? {}).filter(([k, v]) => k.startsWith("rs") && Number(v) !== 0)).toEqual([]);
  });

  for (const order of ["arrival", "reversed"] as const)
    it(`a cancellation without restock: Shopify keeps the units off, we put them back on sale, in ${order} delivery order (F9)`, async () => {
      const sku = order === "arrival" ? "LOAD-2-0" : "LOAD-3-0";
      await deliverWms([wms(`r2e-${order}`, "receipt", sku, "wh-east", 6), wms(`r2w-${order}`, "receipt", sku, "wh-west", 0)]);
      expect(await available(sku)).toMatchObject({ east: 4 });
      const placed = await post<Order>("/_emulator/checkout", { lines: [{ sku, quantity: 2 }] });
      await deliverShopify();
      expect(await available(sku)).toMatchObject({ east: 2 });
      await post(`/_emulator/orders/${placed.orderId}/cancel`, { restock: false });
      expect(await available(sku)).toMatchObject({ east: 2 });
      await deliverShopify(order);
      // The order is gone and the units are still on our shelf: 6 − 2.
      expect(await available(sku)).toMatchObject({ east: 4 });
    });

  it("an app order that bypasses inventory: Shopify did not lower its number, so neither does our belief (F13)", async () => {
    const sku = "LOAD-0-0";
    const before = await available(sku);
    await post("/_emulator/api-orders", { lines: [{ sku, quantity: 1 }], sourceName: "marketplace-connector" });
    expect(await available(sku)).toEqual(before);
    await deliverShopify();
    // One more unit reserved at no known location: every Shopify location offers one less.
    expect(await available(sku)).toEqual({ east: (before.east ?? 0) - 1, west: 0 });
  });
});
