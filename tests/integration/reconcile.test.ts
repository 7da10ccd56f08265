import { writeFileSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcileChannels, type ReconcileChannel } from "@/lib/channels/reconcile-channels";
import { writableChannels } from "@/lib/channels/registry";
import { targetKey } from "@/lib/domain/channel-targets";
import { dirtyCount, listInflight, readBelieved } from "@/lib/redis/channel-store";
import { enqueueDelivery, queueLength } from "@/lib/redis/intake-queue";
import { channelKeys, reconKeys } from "@/lib/redis/keys";
import { readDriftAlerts, readPass } from "@/lib/redis/reconcile-store";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { runReconcile } from "@/workers/reconcile";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * The drift pass against real Redis and the Shopify and marketplace emulators: drift is
 * found and corrected with compare-and-swap, a sale racing the correction survives, a pass
 * cut short resumes, big drift waits for a human.
 */
const catalog = loadCatalog(30, 10); // 300 SKUs: two sweep pages per Shopify location
const skus = catalog.products.flatMap((p) => p.variants.map((v) => v.sku));
let world: Awaited<ReturnType<typeof startChannelWorld>>;

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;
const shopifyLevel = async (sku: string, location: string) =>
  (await getJson<Record<string, Record<string, { available: number }>>>(`${world.shopify.url}/_emulator/inventory?sku=${sku}`))[sku]?.[location]?.available;
const listing = async (sku: string) => (await getJson<Record<string, number>>(`${world.marketplace.url}/_emulator/listings`))[sku];
/**
 * What a channel should hold for a SKU, by hand from the seed below (east 20 + i mod 7, west
 * 10 + i mod 5; buffers Shopify 2 per location, marketplace 3 per location, summed). Each test
 * uses SKUs of its own, so the seed is all that moved them.
 */
const seeded = (sku: string) => {
  const i = skus.indexOf(sku);
  return { east: 20 + (i % 7), west: 10 + (i % 5) };
};
const wanted = async (sku: string, channel: "shopify" | "marketplace", location: string) => {
  const { east, west } = seeded(sku);
  if (channel === "marketplace") return east - 3 + (west - 3);
  return (location === "wh-east" ? east : west) - 2;
};

async function untilIdle(): Promise<void> {
  const redis = world.ctx.redis;
  const policy = await world.ctx.policy();
  for (let i = 0; i < 50; i++) {
    await drainIntake(world.ctx, { maxMs: 5_000 });
    await flushChannels(world.ctx, { maxMs: 10_000 });
    const pending = await Promise.all(
      writableChannels(world.ctx, policy).map(async (a) => (await dirtyCount(redis, a.channel)) + (await listInflight(redis, a.channel)).length),
    );
    if ((await queueLength(redis)) === 0 && pending.every((n) => n === 0)) return;
  }
  throw new Error("workers did not become idle");
}

/** Run passes until one finishes (each call is one cron invocation). */
async function fullPass(channels?: ReconcileChannel[]) {
  for (let i = 0; i < 20; i++) {
    const run = await runReconcile(world.ctx, { budgetMs: 30_000, ...(channels ? { channels } : {}) });
    if (run?.finished) return run;
  }
  throw new Error("no pass finished");
}

beforeAll(async () => {
  // Plus-plan limits keep the test quick; the Standard-plan pass time is the benchmark's job.
  world = await startChannelWorld(catalog, undefined, { SHOPIFY_PLAN: "plus" });
  await post(`${world.shopify.url}/_emulator/plan`, { restoreRate: 1_000, bucketSize: 20_000 });
  const at = "2026-11-27T08:00:00.000Z";
  const events = skus.flatMap((sku, i) => [
    {
      id: `seed-${sku}-e`,
      kind: "receipt" as const,
      sku,
      locationId: "wh-east",
      quantity: 20 + (i % 7),
      occurredAt: at,
      source: "wms" as const,
      sourceUri: "test://seed",
    },
    {
      id: `seed-${sku}-w`,
      kind: "receipt" as const,
      sku,
      locationId: "wh-west",
      quantity: 10 + (i % 5),
      occurredAt: at,
      source: "wms" as const,
      sourceUri: "test://seed",
    },
  ]);
  for (let i = 0; i < events.length; i += 500) await enqueueDelivery(world.ctx.redis, "wms", null, events.slice(i, i + 500));
  await untilIdle();
  // A clean first pass: everything converged, nothing to do.
  const first = await fullPass();
  expect(first.pass.drifted).toBe(0);
}, 120_000);
afterAll(async () => {
  await world?.stop();
});

describe("the drift pass", () => {
  it("detects injected drift on Shopify and the marketplace and corrects it in one pass, with alerts", async () => {
    const [a, b] = [skus[3]!, skus[250]!];
    const wantA = (await wanted(a, "shopify", "wh-east"))!;
    const wantB = (await wanted(b, "marketplace", "*"))!;
    await post(`${world.shopify.url}/_emulator/inventory`, { sku: a, locationId: "wh-east", available: wantA + 5 });
    await post(`${world.marketplace.url}/_emulator/listings`, { sku: b, quantity: wantB + 2 });

    const run = await fullPass();
    expect(run.pass.drifted).toBeGreaterThanOrEqual(2);
    expect(run.pass.corrected).toBeGreaterThanOrEqual(2);
    expect(await shopifyLevel(a, "wh-east")).toBe(wantA);
    expect(await listing(b)).toBe(wantB);
    // Beliefs follow the correction; the next pass finds nothing.
    expect((await readBelieved(world.ctx.redis, "shopify", [targetKey(a, "wh-east")])).get(targetKey(a, "wh-east"))).toBe(wantA);
    expect((await fullPass()).pass.drifted).toBe(0);
    // +5 is above the alert threshold (3); +2 is not.
    const alerts = await readDriftAlerts(world.ctx.redis, 50);
    expect(alerts.some((x) => x.sku === a && x.drift === 5)).toBe(true);
    expect(alerts.some((x) => x.sku === b)).toBe(false);
  });

  it("a channel showing less than wanted waits out the grace period (a sale may be in flight); drift beyond the limit waits for a human", async () => {
    const [low, huge] = [skus[10]!, skus[11]!];
    const wantLow = (await wanted(low, "shopify", "wh-west"))!;
    const wantHuge = (await wanted(huge, "shopify", "wh-east"))!;
    await post(`${world.shopify.url}/_emulator/inventory`, { sku: low, locationId: "wh-west", available: wantLow - 2 });
    await post(`${world.shopify.url}/_emulator/inventory`, { sku: huge, locationId: "wh-east", available: wantHuge + 40 });
    await fullPass();
    expect(await shopifyLevel(low, "wh-west")).toBe(wantLow - 2);
    expect(await shopifyLevel(huge, "wh-east")).toBe(wantHuge + 40);
    const human = await world.ctx.redis.hgetall<Record<string, unknown>>(reconKeys.human);
    expect(Object.keys(human ?? {})).toContain(`shopify|${huge}|wh-east`);

    // With no grace left, the next pass corrects the under-report; the human item stays.
    const original = readFileSync(world.policyFile, "utf8");
    const policy = JSON.parse(original) as { drift: { graceMs: number } };
    policy.drift.graceMs = 0;
    writeFileSync(world.policyFile, JSON.stringify(policy));
    try {
      expect(await servedGraceMs(0)).toBe(0);
      await fullPass();
      expect(await shopifyLevel(low, "wh-west")).toBe(wantLow);
      expect(await shopifyLevel(huge, "wh-east")).toBe(wantHuge + 40);
    } finally {
      writeFileSync(world.policyFile, original);
      await servedGraceMs((JSON.parse(original) as { drift: { graceMs: number } }).drift.graceMs);
    }
  });

  /** Until the Edge Config server serves the edited file (it watches it, polling as a fallback): no sleep. */
  async function servedGraceMs(want: number): Promise<number> {
    let seen = -1;
    for (let i = 0; i < 400 && seen !== want; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 25));
      seen = (await world.ctx.policy()).drift.graceMs;
    }
    return seen;
  }

  it("a sale landing between our read and our write: CAS refuses, we re-read and keep the sale (no clobber)", async () => {
    const sku = skus[20]!;
    const want = (await wanted(sku, "shopify", "wh-east"))!;
    await post(`${world.shopify.url}/_emulator/inventory`, { sku, locationId: "wh-east", available: want + 4 });
    const before = await getJson<{ staleCas: number }>(`${world.shopify.url}/_emulator/stats`);
    const real = reconcileChannels(world.ctx, await world.ctx.policy());
    let raced = false;
    // The shop sells one unit just before our first correction reaches it.
    const racing = real.map((c): ReconcileChannel =>
      c.channel !== "shopify"
        ? c
        : {
            ...c,
            async setCas(key, items) {
              if (!raced && items.some((i) => i.sku === sku)) {
                raced = true;
                expect((await post(`${world.shopify.url}/_emulator/checkout`, { lines: [{ sku, quantity: 1 }] })).status).toBe(200);
              }
              return c.setCas(key, items);
            },
          },
    );
    const run = await fullPass(racing);
    expect(raced).toBe(true);
    expect(run.pass.stale).toBeGreaterThanOrEqual(1);
    expect((await getJson<{ staleCas: number }>(`${world.shopify.url}/_emulator/stats`)).staleCas).toBeGreaterThan(before.staleCas);
    // The correction (−4) landed on top of the sale (−1): the sold unit stays sold.
    expect(await shopifyLevel(sku, "wh-east")).toBe(want - 1);
  });

  it("a pass cut short (crash, time limit) resumes where it stopped and finishes", async () => {
    const redis = world.ctx.redis;
    await fullPass(); // start from a finished pass
    const first = await runReconcile(world.ctx, { budgetMs: 30_000, maxPages: 1 });
    expect(first?.finished).toBe(false);
    const midway = await readPass(redis);
    expect(midway?.done).toBeGreaterThan(0);
    expect(midway!.done).toBeLessThan(midway!.total);
    // A second worker while the first still holds the lease gets nothing to do.
    await redis.set(reconKeys.lock, "someone-else", { px: 5_000 });
    expect(await runReconcile(world.ctx, { budgetMs: 5_000 })).toBeNull();
    await redis.del(reconKeys.lock);
    const rest = await fullPass();
    expect(rest.pass.id).toBe(midway!.id);
    expect(rest.pass.done).toBe(rest.pass.total);
  });

  it("a sale on the marketplace between our read and our write: its CAS refuses, we re-read and keep the sale", async () => {
    const sku = skus[30]!;
    const want = (await wanted(sku, "marketplace", "*"))!;
    await post(`${world.marketplace.url}/_emulator/listings`, { sku, quantity: want + 4 });
    const before = await getJson<{ staleSets: number }>(`${world.marketplace.url}/_emulator/stats`);
    const real = reconcileChannels(world.ctx, await world.ctx.policy());
    let raced = false;
    const racing = real.map((c): ReconcileChannel =>
      c.channel !== "marketplace"
        ? c
        : {
            ...c,
            async setCas(key, items) {
              if (!raced && items.some((i) => i.sku === sku)) {
                raced = true;
                expect((await post(`${world.marketplace.url}/_emulator/purchase`, { sku, quantity: 1 })).status).toBe(201);
              }
              return c.setCas(key, items);
            },
          },
    );
    const run = await fullPass(racing);
    expect(raced).toBe(true);
    expect(run.pass.stale).toBeGreaterThanOrEqual(1);
    expect((await getJson<{ staleSets: number }>(`${world.marketplace.url}/_emulator/stats`)).staleSets).toBeGreaterThan(before.staleSets);
    // The correction (−4) landed on top of the purchase (−1).
    expect(await listing(sku)).toBe(want - 1);
  });

  it("a pass paused beyond its lease while a newer pass runs (fencing): neither its CAS write nor its beliefs nor its position land", async () => {
    const redis = world.ctx.redis;
    await fullPass(); // start from a finished pass
    const sku = skus[40]!;
    const field = targetKey(sku, "wh-east");
    const want = (await wanted(sku, "shopify", "wh-east"))!;
    await post(`${world.shopify.url}/_emulator/inventory`, { sku, locationId: "wh-east", available: want + 5 });

    // The pass reads the +5, decides to correct it, and freezes just before its write.
    let reached!: () => void;
    let resume!: () => void;
    const atWrite = new Promise<void>((r) => (reached = r));
    const gate = new Promise<void>((r) => (resume = r));
    let held = false;
    const real = reconcileChannels(world.ctx, await world.ctx.policy());
    const freezing = real.map((c): ReconcileChannel =>
      c.channel !== "shopify"
        ? c
        : {
            ...c,
            async setCas(key, items) {
              if (!held && items.some((i) => i.sku === sku)) {
                held = true;
                reached();
                await gate;
              }
              return c.setCas(key, items);
            },
          },
    );
    const paused = runReconcile(world.ctx, { budgetMs: 120_000, channels: freezing });
    await atWrite;
    // Frozen past its leases (a long GC pause, a suspended VM): both run out.
    await redis.pexpire(reconKeys.lock, 1);
    await redis.pexpire(channelKeys.flushLock("shopify"), 1);
    for (let i = 0; i < 100 && ((await redis.exists(reconKeys.lock)) || (await redis.exists(channelKeys.flushLock("shopify")))); i++)
      await new Promise((r) => setTimeout(r, 20));
    // Meanwhile the next cron takes over, corrects the drift itself, and a newer pass runs.
    const takeover = await fullPass();
    expect(await shopifyLevel(sku, "wh-east")).toBe(want);
    const newer = await fullPass();
    expect(newer.pass.id).not.toBe(takeover.pass.id);
    // A sale the newer state knows nothing about yet: the level moves under everyone.
    expect((await post(`${world.shopify.url}/_emulator/checkout`, { lines: [{ sku, quantity: 1 }] })).status).toBe(200);
    const believed = (await readBelieved(redis, "shopify", [field])).get(field);

    // The frozen pass wakes up and goes on with its stale read and stale fencing token.
    resume();
    await paused;
    // Its −5 must not land on top of the sale (CAS refuses, and it must not rebase and retry)…
    expect(await shopifyLevel(sku, "wh-east")).toBe(want - 1);
    // …its beliefs are refused by the fence…
    expect((await readBelieved(redis, "shopify", [field])).get(field)).toBe(believed);
    // …and it does not put its old position back over the newer pass.
    expect((await readPass(redis))?.id).toBe(newer.pass.id);
    // Put the level back for the other tests.
    await post(`${world.shopify.url}/_emulator/inventory`, { sku, locationId: "wh-east", available: want });
  });
});
