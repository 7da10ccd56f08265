import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetKey } from "@/lib/domain/channel-targets";
import type { StockEvent } from "@/lib/domain/events";
import { readBelieved } from "@/lib/redis/channel-store";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * What we believe a channel holds must move with what it really did, or the next write adds
 * phantom units. Found by the flash-sale harness; pinned here on real Redis and emulators.
 */
const catalog = loadCatalog(2, 2);
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
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
const reserve = (id: string, sku: string, channel: "shopify" | "marketplace", order: string, quantity: number): StockEvent => ({
  id,
  kind: "reserve",
  sku,
  channel,
  lineKey: `${channel}:${order}:1`,
  quantity,
  occurredAt: at,
  source: channel,
  sourceUri: `test://${channel}`,
});

async function deliver(source: "wms" | "shopify" | "marketplace", events: StockEvent[]) {
  const redis = world.ctx.redis;
  await enqueueDelivery(redis, source, null, events);
  await drainIntake(world.ctx, { maxMs: 5_000 });
  await flushChannels(world.ctx, { maxMs: 5_000 });
}
const listing = async (sku: string) => ((await (await fetch(`${world.marketplace.url}/_emulator/listings`)).json()) as Record<string, number>)[sku];

describe("own-sale beliefs", () => {
  it("a marketplace decrement clamped at 0 is believed as applied: the late notification of a sale adds nothing back", async () => {
    const sku = "LOAD-0-0";
    // 4 on the shelf, marketplace buffer 3 per location: the listing offers 1.
    await deliver("wms", [receipt("r-0-0", sku, "wh-east", 4)]);
    expect(await listing(sku)).toBe(1);
    // A buyer takes it; we have not heard yet.
    const bought = await fetch(`${world.marketplace.url}/_emulator/purchase`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sku, quantity: 1 }),
    });
    expect(bought.status).toBe(201);
    expect(await listing(sku)).toBe(0);
    // Meanwhile a Shopify sale lowers what the marketplace should offer: our −1 meets a listing already at 0.
    await deliver("shopify", [reserve("s-1", sku, "shopify", "1001", 1)]);
    expect(await listing(sku)).toBe(0);
    expect((await readBelieved(world.ctx.redis, "marketplace", [targetKey(sku, "*")])).get(targetKey(sku, "*"))).toBe(1);
    // The marketplace's notification arrives: belief 0, nothing to write — no phantom unit.
    await deliver("marketplace", [reserve("m-1", sku, "marketplace", "MKT-1", 1)]);
    expect((await readBelieved(world.ctx.redis, "marketplace", [targetKey(sku, "*")])).get(targetKey(sku, "*"))).toBe(0);
    expect(await listing(sku)).toBe(0);
  });

  it("a Shopify sale at an unknown location is re-split before the next write: a wrong routing guess leaves no phantom unit", async () => {
    const sku = "LOAD-1-0";
    const levels = async () => {
      const body = (await (await fetch(`${world.shopify.url}/_emulator/inventory?sku=${sku}`)).json()) as Record<string, Record<string, { available: number }>>;
      return { east: body[sku]?.["wh-east"]?.available, west: body[sku]?.["wh-west"]?.available };
    };
    // East 3, west 5; Shopify buffer 2 per location → Shopify offers 1 / 3.
    await deliver("wms", [receipt("r-1-e", sku, "wh-east", 3), receipt("r-1-w", sku, "wh-west", 5)]);
    expect(await levels()).toEqual({ east: 1, west: 3 });
    // Shopify sells 1 from east (the first location covering it). We have not heard yet.
    const checkout = await fetch(`${world.shopify.url}/_emulator/checkout`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines: [{ sku, quantity: 1 }] }),
    });
    expect(checkout.status).toBe(200);
    expect(await levels()).toEqual({ east: 0, west: 3 });
    // A damaged unit at east: we lower east by 1 on top of the unheard sale (Shopify allows −1).
    await deliver("wms", [
      { id: "adj-1", kind: "adjustment", sku, locationId: "wh-east", quantity: -1, occurredAt: at, source: "wms", sourceUri: "test://wms" },
    ]);
    expect(await levels()).toEqual({ east: -1, west: 3 });
    // Now the order arrives, naming no location. Our beliefs say east holds 0, so routing rules
    // would guess west — wrong. Re-reading the split puts each level exactly where it should be:
    // east 2 − 2 = 0, west 5 − 2 − the order's unit = 2.
    await deliver("shopify", [reserve("s-2", sku, "shopify", "1002", 1)]);
    expect(await levels()).toEqual({ east: 0, west: 2 });
  });
});
