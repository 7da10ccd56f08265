import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desiredTargets } from "@/lib/channels/plan";
import { writableChannels } from "@/lib/channels/registry";
import { targetKey } from "@/lib/channels/types";
import { getPolicy } from "@/lib/config/edge-config";
import { policySchema } from "@/lib/config/policy";
import type { StockEvent } from "@/lib/domain/events";
import { getRedis } from "@/lib/redis/client";
import { resetShopifyAdmin } from "@/lib/shopify/admin-client";
import { dirtyCount, listInflight, markDirty, readBelieved, saveInflight } from "@/lib/redis/channel-store";
import { enqueueDelivery, queueLength } from "@/lib/redis/intake-queue";
import { readSnapshots } from "@/lib/redis/projection-store";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../support/channel-world";

/**
 * DESIGN §4 at scale: 5,000 changes over 500 SKUs, delivered with duplicates and in random
 * order, through the real workers, Redis and the Shopify and marketplace emulators. Every
 * channel must end exactly on the projection, inside Shopify's bucket, every write once.
 */
const catalog = loadCatalog(50, 10);
const skus = catalog.products.flatMap((p) => p.variants.map((v) => v.sku));
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());

const setPlan = (restoreRate: number, bucketSize: number) =>
  fetch(`${world.shopify.url}/_emulator/plan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ restoreRate, bucketSize }) });
const getJson = async <T>(url: string, headers: Record<string, string> = {}) => (await (await fetch(url, { headers })).json()) as T;

function history(seed: number): StockEvent[] {
  const rng = fc.sample(fc.integer({ min: 0, max: 1_000_000 }), { numRuns: 20_000, seed });
  let r = 0;
  const next = (n: number) => (rng[r++ % rng.length] ?? 0) % n;
  const at = () => new Date(Date.UTC(2026, 10, 27, 8, 0, next(3600))).toISOString();
  const base = (i: number, sku: string) => ({ id: `load-${seed}-${i}`, sku, occurredAt: at(), source: "wms" as const, sourceUri: "test://load" });
  const events: StockEvent[] = skus.flatMap((sku, i) => [
    { ...base(2 * i, sku), kind: "receipt" as const, locationId: "wh-east", quantity: 20 + next(30) },
    { ...base(2 * i + 1, sku), kind: "receipt" as const, locationId: "wh-west", quantity: 10 + next(30) },
  ]);
  for (let i = events.length; i < 5_000; i++) {
    const sku = skus[next(skus.length)] ?? "";
    const loc = next(2) === 0 ? "wh-east" : "wh-west";
    const kind = next(4);
    events.push(
      kind === 0
        ? { ...base(i, sku), kind: "receipt", locationId: loc, quantity: 1 + next(5) }
        : kind === 1
          ? { ...base(i, sku), kind: "adjustment", locationId: loc, quantity: -1 - next(3) }
          : kind === 2
            ? { ...base(i, sku), source: "pos", kind: "reserve", channel: "pos", lineKey: `pos:${seed}-${i}:1`, quantity: 1 + next(2), locationId: "wh-east" }
            : { ...base(i, sku), kind: "pick", locationId: loc, quantity: 1 + next(2) },
    );
  }
  // Duplicates (10 %) and a shuffle: at-least-once, in any order.
  const delivered = [...events, ...events.filter((_, i) => i % 10 === 0)];
  for (let i = delivered.length - 1; i > 0; i--) {
    const j = next(i + 1);
    [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
  }
  return delivered;
}

async function runWorkersUntilIdle(timeoutMs: number): Promise<void> {
  const redis = getRedis();
  const policy = await getPolicy();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await drainIntake(redis, { maxMs: 5_000 });
    await flushChannels(redis, { maxMs: 10_000 });
    const pending = await Promise.all(writableChannels(redis, policy).map(async (a) => (await dirtyCount(redis, a.channel)) + (await listInflight(redis, a.channel)).length));
    if ((await queueLength(redis)) === 0 && pending.every((n) => n === 0)) return;
  }
  throw new Error("workers did not become idle");
}

async function channelsMatchProjection() {
  const redis = getRedis();
  const policy = policySchema.parse(JSON.parse(readFileSync(world.policyFile, "utf8")));
  const snapshots = await readSnapshots(redis, skus);
  const shopify = await getJson<Record<string, Record<string, { available: number }>>>(`${world.shopify.url}/_emulator/inventory`);
  const market = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 100) {
    let page: { items?: { sku: string; quantity: number }[] } = {};
    // The seller API rate-limits us too (429 after a burst): wait and ask again, as a client must.
    for (let attempt = 0; !page.items && attempt < 20; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 500));
      page = await getJson<typeof page>(`${world.marketplace.url}/v1/inventory?${skus.slice(i, i + 100).map((s) => `sku=${s}`).join("&")}`, { authorization: "Bearer marketplace-key-0123456789" });
    }
    for (const item of page.items ?? []) market.set(item.sku, item.quantity);
  }
  const mismatches: string[] = [];
  for (const sku of skus) {
    const snapshot = snapshots.get(sku);
    if (!snapshot) continue;
    for (const [loc, want] of desiredTargets(snapshot, "shopify", policy.channels.shopify!)) {
      if (shopify[sku]?.[loc]?.available !== want) mismatches.push(`shopify ${sku}@${loc}: ${shopify[sku]?.[loc]?.available} ≠ ${want}`);
    }
    const want = desiredTargets(snapshot, "marketplace", policy.channels.marketplace!).get("*");
    if (market.get(sku) !== want) mismatches.push(`marketplace ${sku}: ${market.get(sku)} ≠ ${want}`);
  }
  return mismatches;
}

describe("channels converge on the projection", () => {
  it("5,000 changes over 500 SKUs with duplicates and reordering: exact, within the bucket, each write once", async () => {
    const redis = getRedis();
    const events = history(7);
    for (let i = 0; i < events.length; i += 100) await enqueueDelivery(redis, "wms", null, events.slice(i, i + 100));
    await runWorkersUntilIdle(120_000);
    expect(await channelsMatchProjection()).toEqual([]);

    const stats = await getJson<{ throttled: number; peakBucketUsage: number; mutationsApplied: number; idempotencyMismatches: number }>(`${world.shopify.url}/_emulator/stats`);
    expect(stats.throttled).toBe(0);
    expect(stats.peakBucketUsage).toBeLessThanOrEqual(2_000);
    expect(stats.idempotencyMismatches).toBe(0);
    const { requests } = await getJson<{ requests: { idempotencyKey: string | null; replayed: boolean; userErrorCodes: string[]; throttled: boolean }[] }>(`${world.shopify.url}/_emulator/requests?limit=5000`);
    const applied = requests.filter((r) => r.idempotencyKey && !r.replayed && !r.throttled && r.userErrorCodes.length === 0);
    expect(new Set(applied.map((r) => r.idempotencyKey)).size).toBe(applied.length);
    expect(applied.length).toBe(stats.mutationsApplied);
    // Coalescing: far fewer Shopify writes than changes.
    expect(applied.length).toBeLessThan(60);
    const market = await getJson<{ rateLimited: number }>(`${world.marketplace.url}/_emulator/stats`);
    expect(market.rateLimited).toBe(0);
  });

  it("when Shopify's bucket is far smaller than ours assumes, THROTTLED writes are retried until everything converges", async () => {
    const redis = getRedis();
    await setPlan(20, 25);
    await fetch(`${world.shopify.url}/_emulator/reset-stats`, { method: "POST" });
    try {
    const events = history(11).filter((e) => e.kind === "receipt").slice(0, 600).map((e) => ({ ...e, id: `${e.id}-again` }));
    for (let i = 0; i < events.length; i += 20) {
      await enqueueDelivery(redis, "wms", null, events.slice(i, i + 20));
      await drainIntake(redis, { maxMs: 2_000 });
      await flushChannels(redis, { maxMs: 200 });
    }
    await runWorkersUntilIdle(120_000);
    expect(await channelsMatchProjection()).toEqual([]);
    const stats = await getJson<{ throttled: number }>(`${world.shopify.url}/_emulator/stats`);
    expect(stats.throttled).toBeGreaterThan(0);
    } finally {
      await setPlan(100, 2_000);
    }
  });

  it("a batch the channel applied just before a crash is re-sent under its key and counted once", async () => {
    const redis = getRedis();
    const policy = await getPolicy();
    const shopify = writableChannels(redis, policy).find((a) => a.channel === "shopify")!;
    const sku = skus[3]!;
    const target = targetKey(sku, "wh-east");
    const believedBefore = (await readBelieved(redis, "shopify", [target])).get(target) ?? 0;
    const batch = { key: "6f1d2c3b-0000-4000-8000-00000000c0de", items: [{ sku, location: "wh-east", from: believedBefore, to: believedBefore + 3, version: 1_000_000 }] };
    await saveInflight(redis, "shopify", batch);
    expect(await shopify.applyDeltas(batch)).toMatchObject({ ok: true });
    // …and the process died here, before recording it. The next flush re-sends it.
    await flushChannels(redis, { maxMs: 10_000 });
    const inventory = await getJson<Record<string, Record<string, { available: number }>>>(`${world.shopify.url}/_emulator/inventory?sku=${sku}`);
    expect(inventory[sku]?.["wh-east"]?.available).toBe(believedBefore + 3);
    expect((await readBelieved(redis, "shopify", [target])).get(target)).toBe(believedBefore + 3);
    // Mark it dirty: the next flush writes it back to the projection.
    await markDirty(redis, ["shopify"], [{ sku, version: 0 }]);
    await runWorkersUntilIdle(30_000);
    expect(await channelsMatchProjection()).toEqual([]);
  });

  it("under fault storms (Shopify 5xx and stalled answers past our timeout, marketplace 5xx and 429s) every write lands exactly once", async () => {
    const redis = getRedis();
    const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await post(`${world.shopify.url}/_emulator/faults`, { errorRate: 0.3, stallRate: 0.15, stallMs: 1_200 });
    await post(`${world.marketplace.url}/_emulator/faults`, { errorRate: 0.3 });
    await post(`${world.marketplace.url}/_emulator/rate-limit`, { perSecond: 4, burst: 2 });
    await fetch(`${world.shopify.url}/_emulator/reset-stats`, { method: "POST" });
    process.env.SHOPIFY_REQUEST_TIMEOUT_MS = "400";
    resetShopifyAdmin();
    try {
      const events = history(23).filter((e) => e.kind === "receipt").slice(0, 400).map((e) => ({ ...e, id: `${e.id}-storm` }));
      // Small deliveries, each flushed: many separate Shopify requests, so the storm surely hits some.
      for (let i = 0; i < events.length; i += 20) {
        await enqueueDelivery(redis, "wms", null, events.slice(i, i + 20));
        await drainIntake(redis, { maxMs: 2_000 });
        await flushChannels(redis, { maxMs: 300 });
      }
      await runWorkersUntilIdle(240_000);
    } finally {
      await post(`${world.shopify.url}/_emulator/faults`, { errorRate: 0, stallRate: 0, stallMs: 0 });
      await post(`${world.marketplace.url}/_emulator/faults`, { errorRate: 0 });
      await post(`${world.marketplace.url}/_emulator/rate-limit`, { perSecond: 10, burst: 20 });
      delete process.env.SHOPIFY_REQUEST_TIMEOUT_MS;
      resetShopifyAdmin();
    }
    expect(await channelsMatchProjection()).toEqual([]);
    const stats = await getJson<{ faultsInjected: number; mutationsApplied: number; idempotentReplays: number }>(`${world.shopify.url}/_emulator/stats`);
    expect(stats.faultsInjected).toBeGreaterThan(0);
    const { requests } = await getJson<{ requests: { idempotencyKey: string | null; replayed: boolean; userErrorCodes: string[]; throttled: boolean; status: number }[] }>(`${world.shopify.url}/_emulator/requests?limit=5000`);
    const applied = requests.filter((r) => r.idempotencyKey && r.status === 200 && !r.replayed && !r.throttled && r.userErrorCodes.length === 0);
    // Each batch changed Shopify once, however often it was sent.
    expect(new Set(applied.map((r) => r.idempotencyKey)).size).toBe(applied.length);
    expect(applied.length).toBe(stats.mutationsApplied);
    const market = await getJson<{ rateLimited: number; faults: number }>(`${world.marketplace.url}/_emulator/stats`);
    expect(market.rateLimited + market.faults).toBeGreaterThan(0);
  }, 300_000);
});
