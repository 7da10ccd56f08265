import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { shopifyAdapter } from "@/lib/channels/shopify-adapter";
import type { StockEvent } from "@/lib/domain/events";
import { createRedis } from "@/lib/redis/client";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { channelKeys } from "@/lib/redis/keys";
import { bucketState, correctTokens, takeTokens } from "@/lib/redis/token-bucket";
import { itemsPageCost, lookupItems } from "@/lib/shopify/inventory";
import { drainIntake } from "@/workers/drain";
import { flushChannel } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * Our own token bucket per channel (TAKE_TOKENS_LUA / CORRECT_TOKENS_LUA) on a real
 * redis-server: the arithmetic at explicit instants, atomicity under concurrent callers, the
 * Shopify sizing (half the bucket, 80 % of the restore rate), lowering to what Shopify reports
 * in throttleStatus, and reads paying from the same bucket as writes.
 */
const catalog = loadCatalog(20, 10); // 200 SKUs: 8 lookup pages of 25
const skus = catalog.products.flatMap((p) => p.variants.map((v) => v.sku));
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());

const setPlan = (restoreRate: number, bucketSize: number) =>
  fetch(`${world.shopify.url}/_emulator/plan`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ restoreRate, bucketSize }),
  });
const requestLog = async () =>
  (
    (await (await fetch(`${world.shopify.url}/_emulator/requests?limit=5000`)).json()) as {
      requests: { operationName: string | null; requestedCost: number | null }[];
    }
  ).requests;
const emulatorBucket = async () =>
  (await (await fetch(`${world.shopify.url}/_emulator/stats`)).json()) as {
    peakBucketUsage: number;
    throttled: number;
    bucket: { currentlyAvailable: number };
  };

beforeEach(async () => {
  await world.ctx.redis.del(channelKeys.bucket("shopify"), channelKeys.bucket("marketplace"));
  await setPlan(100, 2_000); // the standard plan; also refills it and zeroes its peak
});

describe("TAKE_TOKENS_LUA at explicit instants", () => {
  const size = { capacity: 100, refillPerSecond: 10 };

  it("starts full, takes, says how long to wait when short (taking nothing), refills with time, never above capacity", async () => {
    const redis = world.ctx.redis;
    expect(await takeTokens(redis, "marketplace", size, 30, 1_000)).toBe(0);
    expect((await bucketState(redis, "marketplace")).tokens).toBe(70);
    // 80 wanted, 70 there: 10 short at 10/s → 1 s, and nothing is taken.
    expect(await takeTokens(redis, "marketplace", size, 80, 1_000)).toBe(1_000);
    expect((await bucketState(redis, "marketplace")).tokens).toBe(70);
    // 0.5 s later 75 are there: 5 short → 500 ms.
    expect(await takeTokens(redis, "marketplace", size, 80, 1_500)).toBe(500);
    expect(await takeTokens(redis, "marketplace", size, 80, 2_000)).toBe(0);
    expect((await bucketState(redis, "marketplace")).tokens).toBe(0);
    // An hour idle refills only to capacity.
    expect(await takeTokens(redis, "marketplace", size, 100, 3_602_000)).toBe(0);
    expect(await takeTokens(redis, "marketplace", size, 1, 3_602_000)).toBe(100);
    expect((await bucketState(redis, "marketplace")).peakUsed).toBe(100);
  });

  it("a clock that steps back adds nothing", async () => {
    const redis = world.ctx.redis;
    expect(await takeTokens(redis, "marketplace", size, 100, 10_000)).toBe(0);
    expect(await takeTokens(redis, "marketplace", size, 10, 5_000)).toBe(1_000);
  });

  it("concurrent callers on separate connections never overdraw: 40 ask for 10 each from 100, exactly 10 get them", async () => {
    const clients = Array.from({ length: 40 }, () => createRedis(world.env.UPSTASH_REDIS_REST_URL, world.env.UPSTASH_REDIS_REST_TOKEN));
    const waits = await Promise.all(clients.map((c) => takeTokens(c, "marketplace", size, 10, 50_000)));
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    expect(waits.filter((w) => w > 0)).toEqual(Array.from({ length: 30 }, () => 1_000));
    expect((await bucketState(world.ctx.redis, "marketplace")).tokens).toBe(0);
  });
});

describe("CORRECT_TOKENS_LUA", () => {
  it("lowers to what the channel reports, never raises", async () => {
    const redis = world.ctx.redis;
    const size = { capacity: 100, refillPerSecond: 10 };
    expect(await takeTokens(redis, "marketplace", size, 10, 1_000)).toBe(0);
    await correctTokens(redis, "marketplace", 25, 1_000);
    expect((await bucketState(redis, "marketplace")).tokens).toBe(25);
    await correctTokens(redis, "marketplace", 60, 1_000);
    expect((await bucketState(redis, "marketplace")).tokens).toBe(25);
    // From the corrected level and instant: 25 + 0.5 s × 10 = 30.
    expect(await takeTokens(redis, "marketplace", size, 31, 1_500)).toBe(100);
  });
});

describe("the Shopify bucket", () => {
  it("is half of Shopify's bucket and 80 % of its restore rate (standard plan: 2,000 points, 100/s)", async () => {
    const adapter = shopifyAdapter(world.ctx.clients.shopify!, world.ctx.redis, await world.ctx.policy());
    expect(adapter.bucket).toEqual({ capacity: 1_000, refillPerSecond: 80 });
  });

  it("reads pay from the same bucket as writes", async () => {
    const redis = world.ctx.redis;
    const adapter = shopifyAdapter(world.ctx.clients.shopify!, redis, await world.ctx.policy());
    await fetch(`${world.shopify.url}/_emulator/reset-stats`, { method: "POST" });
    await adapter.readActual(skus.slice(0, 25).map((sku) => ({ sku, location: "wh-east" })));
    // A fresh bucket, one page of 25 SKUs at 2 locations: we set aside exactly what Shopify charged.
    const charged = (await requestLog()).filter((r) => r.operationName === "ItemsBySku").map((r) => r.requestedCost);
    // 100 items a page (4 × the SKUs: look-alike hits), each: itself, and per location its level and quantities.
    expect(charged).toEqual([2 + 100 * (1 + 2 * 2)]);
    expect(charged[0]).toBe(itemsPageCost(25, 2));
    expect((await bucketState(redis, "shopify")).peakUsed).toBe(charged[0]);
  });

  it("a burst of reads and writes never uses more than half of Shopify's bucket, and is never throttled", async () => {
    const redis = world.ctx.redis;
    // 200 SKUs with no belief yet: 8 lookup pages (2,016 points) before any write — twice our 1,000.
    const events = skus.map(
      (sku, i) =>
        ({
          id: `tb-${i}`,
          sku,
          occurredAt: new Date(Date.UTC(2026, 10, 27, 10)).toISOString(),
          source: "wms",
          sourceUri: "test://tb",
          kind: "receipt",
          locationId: "wh-east",
          quantity: 9,
        }) as StockEvent,
    );
    await enqueueDelivery(redis, "wms", "tb-burst", events);
    await drainIntake(world.ctx, { maxMs: 10_000 });
    const adapter = shopifyAdapter(world.ctx.clients.shopify!, redis, await world.ctx.policy());
    const stats = await flushChannel(redis, adapter, await world.ctx.policy(), Date.now() + 50_000);
    expect(stats.pending).toBe(0);
    expect(stats.items).toBeGreaterThanOrEqual(skus.length);
    const shop = await emulatorBucket();
    expect(shop.throttled).toBe(0);
    // Our bucket really ran low (so it is what paced us) …
    expect((await bucketState(redis, "shopify")).peakUsed).toBeGreaterThan(1_000 - itemsPageCost(25, 2));
    // … and Shopify never saw more than half of its 2,000 in use.
    expect(shop.peakBucketUsage).toBeLessThanOrEqual(1_000);
  });

  it("after a write, our tokens drop to what Shopify's throttleStatus reports (another app spent the shared bucket)", async () => {
    const redis = world.ctx.redis;
    const admin = world.ctx.clients.shopify!;
    // Slow Shopify's refill so its reported level holds still; then spend most of it elsewhere.
    await setPlan(1, 2_000);
    // Lookups page on through look-alike hits (tokenized sku: search), so stop spending once Shopify is low.
    for (let i = 0; i < 7 && (await emulatorBucket()).bucket.currentlyAvailable >= 500; i++)
      expect((await lookupItems(admin, skus.slice(25 * i, 25 * i + 25), 2)).kind).not.toBe("error");
    const reported = (await emulatorBucket()).bucket.currentlyAvailable;
    expect(reported).toBeLessThan(500);

    const sku = skus[0]!;
    await enqueueDelivery(redis, "wms", "tb-one", [
      {
        id: "tb-one",
        sku,
        occurredAt: new Date().toISOString(),
        source: "wms",
        sourceUri: "test://tb",
        kind: "adjustment",
        locationId: "wh-west",
        quantity: 3,
      } as StockEvent,
    ]);
    await drainIntake(world.ctx, { maxMs: 10_000 });
    const adapter = shopifyAdapter(admin, redis, await world.ctx.policy());
    const stats = await flushChannel(redis, adapter, await world.ctx.policy(), Date.now() + 30_000);
    expect(stats.writes).toBeGreaterThanOrEqual(1);
    // Uncorrected, our 1,000 less one write would leave ~990; Shopify reported only reported / 2,000 of its bucket.
    expect((await bucketState(redis, "shopify")).tokens).toBeLessThanOrEqual((reported / 2_000) * 1_000 + 1);
  });
});
