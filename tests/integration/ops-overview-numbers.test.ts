import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { readOverview } from "@/lib/ops/read-overview";
import { markDirty } from "@/lib/redis/channel-store";
import { openIncident } from "@/lib/redis/incident-store";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { keys } from "@/lib/redis/keys";
import { countMetrics, minuteOf } from "@/lib/redis/metrics";
import { takeTokens } from "@/lib/redis/token-bucket";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * The ops overview's numbers against a real Redis, each one caused by the test: throughput
 * per minute and mean lag per edge over the 15-minute window (lib/redis/metrics.ts), the
 * backlog, our Shopify bucket in use, channel queues, dead letters and incidents by state.
 * A stub returning constants, or a window or average off by one, fails here.
 */
const catalog = loadCatalog(1, 2);
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());

// A fixed instant in the middle of a minute, so "now" never straddles a minute boundary.
const NOW = Date.UTC(2026, 10, 27, 12, 30, 30);
const minutesAgo = (m: number) => NOW - m * 60_000;

describe("ops overview numbers", () => {
  it("throughput, lag and series per edge over the last 15 minutes", async () => {
    const redis = world.ctx.redis;
    // 30 WMS events 2 minutes ago (lags summing to 4.5 s), 15 more now (1.5 s); 20 Shopify writes taking 2 s in all.
    await countMetrics(redis, { "in:wms": 30, "lag:wms": 4_500, "lagn:wms": 30 }, minutesAgo(2));
    await countMetrics(redis, { "in:wms": 15, "lag:wms": 1_500, "lagn:wms": 15 }, NOW);
    await countMetrics(redis, { "out:shopify": 20, "outms:shopify": 2_000 }, minutesAgo(14));
    // Outside the window: 15 minutes ago is the 16th minute back.
    await countMetrics(redis, { "in:wms": 1_000, "lag:wms": 9_000_000, "lagn:wms": 1_000 }, minutesAgo(15));
    await countMetrics(redis, { "cron:drain": 3, "cron:flush": 2 }, minutesAgo(1));
    expect(await redis.ttl(keys.metricsMinute(minuteOf(NOW)))).toBeGreaterThan(3_600);

    const overview = await readOverview(redis, await world.ctx.policy(), ["shopify", "marketplace"], NOW);
    const edge = (id: string) => overview.graph.edges.find((e) => e.id === id)!;
    expect(overview.graph.windowMinutes).toBe(15);
    expect(edge("wms-in")).toMatchObject({ perMinute: 3, lagMs: 133 }); // 45 events / 15 min; 6,000 ms / 45 events
    expect(edge("wms-in").series).toEqual([...Array(12).fill(0), 30, 0, 15]);
    expect(edge("shopify-out")).toMatchObject({ perMinute: 1.3, lagMs: 100 }); // 20 / 15 = 1.33; 2,000 ms / 20
    expect(edge("shopify-out").series[0]).toBe(20);
    expect(edge("cron")).toMatchObject({ perMinute: 0.3 }); // 5 / 15
    expect(edge("cron").series.at(-2)).toBe(5);
    expect(edge("marketplace-in")).toMatchObject({ perMinute: 0, lagMs: null });
  });

  it("gauges, dead letters and incidents show what is there", async () => {
    const redis = world.ctx.redis;
    const sku = catalog.products[0]!.variants[0]!.sku;
    const event = (i: number) =>
      ({
        id: `ov-${i}`,
        sku,
        occurredAt: new Date(NOW).toISOString(),
        source: "wms",
        sourceUri: "test://ov",
        kind: "receipt",
        locationId: "wh-east",
        quantity: 1,
      }) as StockEvent;
    for (let i = 0; i < 7; i++) await enqueueDelivery(redis, "wms", `ov-d${i}`, [event(i)]);
    await markDirty(
      redis,
      ["marketplace"],
      [
        { sku, version: 1 },
        { sku: catalog.products[0]!.variants[1]!.sku, version: 1 },
      ],
    );
    await redis.lpush(keys.deadLetters, JSON.stringify({ reason: "test 1" }), JSON.stringify({ reason: "test 2" }), JSON.stringify({ reason: "test 3" }));
    // 400 points of our Shopify bucket (capacity 1,000) in use right now.
    expect(await takeTokens(redis, "shopify", { capacity: 1_000, refillPerSecond: 80 }, 400)).toBe(0);
    for (const [i, state] of (["open", "open", "failed"] as const).entries()) {
      expect(
        await openIncident(redis, {
          id: `ov-inc-${i}`,
          kind: "short_pick",
          sku,
          locationId: "wh-east",
          units: 1,
          openedAt: new Date(NOW).toISOString(),
          lineKey: null,
        }),
      ).toBe(true);
      if (state === "failed") {
        const raw = (await redis.hget<Record<string, unknown>>(keys.incidents, `ov-inc-${i}`))!;
        await redis.hset(keys.incidents, { [`ov-inc-${i}`]: JSON.stringify({ ...raw, state }) });
      }
    }

    const overview = await readOverview(redis, await world.ctx.policy(), ["shopify", "marketplace"], Date.now());
    const gauge = (label: string) => overview.gauges.find((g) => g.label === label);
    expect(gauge("Intake backlog")).toMatchObject({ value: 7, unit: "deliveries" });
    const bucket = gauge("Shopify bucket (ours)")!;
    expect(bucket.max).toBe(1_000);
    // The level as of the last take (the meter shows the bucket's stored state).
    expect(bucket.value).toBe(400);
    expect(gauge("marketplace queue")).toMatchObject({ value: 2 });
    expect(gauge("shopify queue")).toMatchObject({ value: 0 });
    expect(overview.deadLetters).toBe(3);
    expect(overview.incidents).toEqual({ open: 2, failed: 1 });
  });
});
