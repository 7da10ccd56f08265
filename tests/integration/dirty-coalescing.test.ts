import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { dirtyCount, readDirty } from "@/lib/redis/channel-store";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { readSnapshots } from "@/lib/redis/projection-store";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * Coalescing (docs/architecture.md#channel-writes) happens in the Redis dirty set: however many events and drains moved a
 * SKU, each channel holds one mark for it, at the latest version, and the next flush writes one
 * item per target that changed. Real redis-server, bridge, drain and flush workers, emulated Shopify.
 */
const catalog = loadCatalog(1, 2);
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());

const receipt = (id: string, sku: string, quantity: number): StockEvent => ({
  id,
  kind: "receipt",
  sku,
  locationId: "wh-east",
  quantity,
  occurredAt: "2026-11-27T08:00:00.000Z",
  source: "wms",
  sourceUri: "test://wms",
});
const shopifyLog = async (since: number) =>
  ((await (await fetch(`${world.shopify.url}/_emulator/inventory-log?since=${since}`)).json()) as { changes: { sku?: string; at?: number }[] }).changes;

describe("the dirty set coalesces", () => {
  it("many events over several drains → one mark per SKU at the latest version → one write per changed target", async () => {
    const redis = world.ctx.redis;
    const [sku, other] = ["LOAD-0-0", "LOAD-0-1"];
    // Beliefs first (the flush reads the channel once), so later flushes only write.
    await enqueueDelivery(redis, "wms", null, [receipt("seed-0", sku, 5), receipt("seed-1", other, 5)]);
    await drainIntake(world.ctx, { maxMs: 5_000 });
    await flushChannels(world.ctx, { maxMs: 10_000 });
    expect(await dirtyCount(redis, "shopify")).toBe(0);

    // 45 events for one SKU in 9 deliveries, each drained on its own, no flush in between.
    for (let d = 0; d < 9; d++) {
      await enqueueDelivery(
        redis,
        "wms",
        null,
        Array.from({ length: 5 }, (_, i) => receipt(`r-${d}-${i}`, sku, 1)),
      );
      await drainIntake(world.ctx, { maxMs: 5_000 });
    }
    const version = (await readSnapshots(redis, [sku])).get(sku)?.version;
    expect(version).toBeGreaterThanOrEqual(46);
    for (const channel of ["shopify", "marketplace"] as const) {
      expect(await dirtyCount(redis, channel)).toBe(1);
      expect(await readDirty(redis, channel, 10)).toEqual([{ sku, version: String(version) }]);
    }

    const logBefore = (await shopifyLog(0)).length;
    const stats = await flushChannels(world.ctx, { maxMs: 10_000 });
    const shopify = stats.find((s) => s.channel === "shopify");
    // Only wh-east moved: one item, in one write, for 45 events.
    expect(shopify).toMatchObject({ skus: 1, items: 1, writes: 1, pending: 0 });
    expect(stats.find((s) => s.channel === "marketplace")).toMatchObject({ skus: 1, items: 1, writes: 1 });
    expect((await shopifyLog(0)).length - logBefore).toBe(1);
    expect(await dirtyCount(redis, "shopify")).toBe(0);
  });
});
