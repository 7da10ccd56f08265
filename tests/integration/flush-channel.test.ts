import type * as MetricsModule from "@/lib/redis/metrics";
import http from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resplitBeliefs } from "@/lib/channels/own-sales";
import { desiredTargets } from "@/lib/channels/plan";
import { type ChannelAdapter, type WriteResult } from "@/lib/channels/types";
import { targetKey, type WriteBatch } from "@/lib/domain/channel-targets";
import { getPolicy } from "@/lib/config/edge-config";
import type { Policy } from "@/lib/config/policy";
import type { Channel, StockEvent } from "@/lib/domain/events";
import { dirtyCount, listInflight, markDirty, markResplit, readBelieved, setBelieved, takeResplit } from "@/lib/redis/channel-store";
import { channelKeys } from "@/lib/redis/keys";
import { acquireLock, releaseLock } from "@/lib/redis/lock";
import { applyEvents, readSnapshots } from "@/lib/redis/projection-store";
import { bucketState } from "@/lib/redis/token-bucket";
import { countMetrics } from "@/lib/redis/metrics";
import { freePort, listenHttp } from "@/harness/ports";
import { startMarketplaceEmulator } from "@/emulators/marketplace";
import { seededRandom } from "../../harness/channel-world";
import { flushChannel, flushChannels, flushSoon } from "@/workers/flush";
import { captureLogs, emptyRedis, eventsNamed, startWorkerWorld, type LogLine, testRedis, workerContext } from "../support/worker-world";

/**
 * workers/flush.ts against a redis-server of its own and a scripted channel adapter: what is
 * read, planned, batched and sent; retries under the same key, permanent refusals, running out
 * of time or tokens (the batch stays in flight and goes first next time), re-splits, the lease.
 */
// Pass-through: the test reads what was counted without waiting on a fire-and-forget write.
vi.mock("@/lib/redis/metrics", async (original) => {
  const real = await original<typeof MetricsModule>();
  return { ...real, countMetrics: vi.fn(real.countMetrics) };
});

let world: Awaited<ReturnType<typeof startWorkerWorld>>;
let marketplace: Awaited<ReturnType<typeof startMarketplaceEmulator>>;
let policy: Policy;
let logs: LogLine[];
// A marketplace API that refuses every call (401): its adapter's reads fail for good.
const refusing = http.createServer((_req, res) => res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}'));
let refusingUrl: string;

beforeAll(async () => {
  world = await startWorkerWorld("flush-channel");
  refusingUrl = await listenHttp(refusing, "127.0.0.1", 0, "refusing marketplace");
  marketplace = await startMarketplaceEmulator({
    port: await freePort(),
    apiKey: "marketplace-key-0123456789",
    random: seededRandom(7),
    webhook: { url: `http://127.0.0.1:${await freePort()}/nowhere`, secret: "unused-secret-0123456789" },
  });
}, 60_000);
afterAll(async () => {
  await marketplace?.stop();
  await new Promise<void>((resolve) => refusing.close(() => resolve()));
  await world?.stop();
});
beforeEach(async () => {
  await emptyRedis();
  delete process.env.MARKETPLACE_API_URL;
  delete process.env.MARKETPLACE_API_KEY;
  policy = await getPolicy();
  vi.mocked(countMetrics).mockClear();
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

let n = 0;
const receipt = (sku: string, quantity: number, locationId = "wh-east"): StockEvent => ({
  id: `wms:f-${n++}`,
  kind: "receipt",
  sku,
  locationId,
  quantity,
  occurredAt: "2026-11-27T09:00:00.000Z",
  source: "wms",
  sourceUri: "test://flush",
});

/** Stock for the SKUs, marked dirty for `channel` at their versions. */
async function stock(channel: Channel, levels: Record<string, [east: number, west: number]>): Promise<void> {
  await applyEvents(
    testRedis(),
    Object.entries(levels).flatMap(([sku, [east, west]]) => [receipt(sku, east), receipt(sku, west, "wh-west")]),
  );
  const snapshots = await readSnapshots(testRedis(), Object.keys(levels));
  await markDirty(
    testRedis(),
    [channel],
    [...snapshots].map(([sku, s]) => ({ sku, version: s!.version })),
  );
}
async function desired(channel: Channel, sku: string): Promise<Map<string, number>> {
  const snapshot = (await readSnapshots(testRedis(), [sku])).get(sku)!;
  return desiredTargets(snapshot, channel, policy.channels[channel]!);
}

interface Script {
  actual?: Record<string, number>;
  results?: WriteResult[];
  maxBatch?: number;
  writeCost?: number;
  bucket?: { capacity: number; refillPerSecond: number };
}
function scripted(channel: Channel, script: Script = {}) {
  const reads: { sku: string; location: string }[][] = [];
  const batches: WriteBatch[] = [];
  const results = [...(script.results ?? [])];
  const adapter: ChannelAdapter = {
    channel,
    maxBatch: script.maxBatch ?? 250,
    writeCost: script.writeCost ?? 1,
    bucket: script.bucket ?? { capacity: 1_000, refillPerSecond: 1_000 },
    readActual: async (targets) => {
      reads.push(targets.map((t) => ({ ...t })));
      return new Map(
        targets.flatMap((t) =>
          script.actual?.[targetKey(t.sku, t.location)] === undefined
            ? []
            : [[targetKey(t.sku, t.location), script.actual[targetKey(t.sku, t.location)]!] as const],
        ),
      );
    },
    applyDeltas: async (batch) => {
      batches.push(structuredClone(batch));
      return results.length > 1 ? results.shift()! : (results[0] ?? { kind: "ok", data: {} });
    },
  };
  return { adapter, reads, batches };
}
const soon = (ms = 10_000) => Date.now() + ms;

describe("flushChannel", () => {
  it("targets with no belief are read first, then desired − believed is written in batches of maxBatch; dirty cleared", async () => {
    await stock("marketplace", { "FL-1": [10, 5], "FL-2": [4, 4], "FL-3": [6, 6] });
    const want3 = (await desired("marketplace", "FL-3")).get("*")!;
    const { adapter, reads, batches } = scripted("marketplace", { actual: { "FL-1|*": 2, "FL-2|*": 0, "FL-3|*": want3 }, maxBatch: 1 });
    // The lease is held while writing, for the time left plus 10 s.
    const ttls: number[] = [];
    const send = adapter.applyDeltas;
    adapter.applyDeltas = async (batch) => {
      ttls.push(await testRedis().pttl(channelKeys.flushLock("marketplace")));
      return send(batch);
    };
    const stats = await flushChannel(testRedis(), adapter, policy, soon());
    expect(ttls.every((t) => t > 15_000 && t <= 20_000)).toBe(true);
    expect(vi.mocked(countMetrics).mock.calls.map((c) => Object.keys(c[1]))).toEqual([
      ["out:marketplace", "outms:marketplace"],
      ["out:marketplace", "outms:marketplace"],
    ]);
    expect(vi.mocked(countMetrics).mock.calls.map((c) => c[1]["out:marketplace"])).toEqual([1, 1]);
    expect(vi.mocked(countMetrics).mock.calls.every((c) => c[1]["outms:marketplace"]! < 60_000)).toBe(true);
    expect(stats).toEqual({ channel: "marketplace", skus: 3, writes: 2, items: 2, retries: 0, pending: 0 });
    expect(reads).toEqual(
      [
        [
          { sku: "FL-1", location: "*" },
          { sku: "FL-2", location: "*" },
          { sku: "FL-3", location: "*" },
        ],
      ].map((r) => expect.arrayContaining(r)),
    );
    expect(reads[0]).toHaveLength(3);
    const want1 = (await desired("marketplace", "FL-1")).get("*")!;
    const want2 = (await desired("marketplace", "FL-2")).get("*")!;
    expect(batches.map((b) => b.items.map((i) => [i.sku, i.location, i.from, i.to]))).toEqual([[["FL-1", "*", 2, want1]], [["FL-2", "*", 0, want2]]]);
    expect(await readBelieved(testRedis(), "marketplace", ["FL-1|*", "FL-2|*", "FL-3|*"])).toEqual(
      new Map([
        ["FL-1|*", want1],
        ["FL-2|*", want2],
        ["FL-3|*", want3],
      ]),
    );
    expect(await dirtyCount(testRedis(), "marketplace")).toBe(0);
    expect(await listInflight(testRedis(), "marketplace")).toEqual([]);
    expect(eventsNamed(logs, "channel.write").map((l) => [l.channel, l.key, l.items, l.skus])).toEqual(
      batches.map((b) => ["marketplace", b.key, 1, [b.items[0]!.sku]]),
    );
    expect(eventsNamed(logs, "channel.write").every((l) => (l.ms as number) >= 0 && (l.ms as number) < 60_000)).toBe(true);

    // Nothing dirty: a second flush reads and writes nothing.
    expect(await flushChannel(testRedis(), adapter, policy, soon())).toEqual({ channel: "marketplace", skus: 0, writes: 0, items: 0, retries: 0, pending: 0 });
    expect(batches).toHaveLength(2);
  });

  it("a throttled write is retried under the same key after the hint, and counted", async () => {
    await stock("marketplace", { "FL-4": [10, 0] });
    const { adapter, batches } = scripted("marketplace", {
      actual: { "FL-4|*": 0 },
      results: [
        { kind: "retry", reason: "throttled", retryAfterMs: 20 },
        { kind: "ok", data: {} },
      ],
    });
    const stats = await flushChannel(testRedis(), adapter, policy, soon());
    expect(stats).toMatchObject({ writes: 1, items: 1, retries: 1, pending: 0 });
    expect(batches).toHaveLength(2);
    expect(batches[1]!.key).toBe(batches[0]!.key);
    expect(await testRedis().hget(channelKeys.stats("marketplace"), "throttled")).toBe(1);
    expect(eventsNamed(logs, "channel.write_retry")).toEqual([
      expect.objectContaining({ level: "warn", channel: "marketplace", key: batches[0]!.key, reason: "throttled", retryAfterMs: 20 }),
    ]);
  });

  it("the channel's reported budget lowers our token bucket, on success and on a retry", async () => {
    await stock("marketplace", { "FL-5": [10, 0], "FL-6": [10, 0] });
    const bucket = { capacity: 1_000, refillPerSecond: 1 };
    const ok = scripted("marketplace", {
      actual: { "FL-5|*": 0, "FL-6|*": 0 },
      maxBatch: 1,
      bucket,
      results: [
        { kind: "ok", data: {}, budgetLeft: 0.25 },
        { kind: "ok", data: {} },
      ],
    });
    await flushChannel(testRedis(), ok.adapter, policy, soon());
    // 250 left after the first write, one more token for the second.
    expect((await bucketState(testRedis(), "marketplace")).tokens).toBeLessThan(260);
    expect((await bucketState(testRedis(), "marketplace")).tokens).toBeGreaterThan(240);

    await emptyRedis();
    await stock("marketplace", { "FL-7": [10, 0] });
    const retried = scripted("marketplace", {
      actual: { "FL-7|*": 0 },
      bucket,
      results: [
        { kind: "retry", reason: "rate_limited", retryAfterMs: 10, budgetLeft: 0.1 },
        { kind: "ok", data: {} },
      ],
    });
    await flushChannel(testRedis(), retried.adapter, policy, soon());
    expect((await bucketState(testRedis(), "marketplace")).tokens).toBeLessThan(110);
    expect((await bucketState(testRedis(), "marketplace")).tokens).toBeGreaterThan(90);

    await emptyRedis();
    await stock("marketplace", { "FL-8": [10, 0] });
    const plain = scripted("marketplace", { actual: { "FL-8|*": 0 }, bucket });
    await flushChannel(testRedis(), plain.adapter, policy, soon());
    expect((await bucketState(testRedis(), "marketplace")).tokens).toBeGreaterThan(990);
  });

  it("a permanent refusal is logged, counted and dropped; the other batches still go", async () => {
    await stock("marketplace", { "FL-9": [10, 0], "FL-10": [10, 0] });
    const { adapter, batches } = scripted("marketplace", {
      actual: { "FL-9|*": 0, "FL-10|*": 0 },
      maxBatch: 1,
      results: [
        { kind: "error", message: "unknown SKU" },
        { kind: "ok", data: {} },
      ],
    });
    const stats = await flushChannel(testRedis(), adapter, policy, soon());
    expect(stats).toMatchObject({ skus: 2, writes: 1, items: 1, retries: 0, pending: 0 });
    expect(batches).toHaveLength(2);
    expect(await listInflight(testRedis(), "marketplace")).toEqual([]);
    expect(await testRedis().hget(channelKeys.stats("marketplace"), "refused")).toBe(1);
    expect(eventsNamed(logs, "channel.write_refused")).toEqual([
      expect.objectContaining({ level: "error", channel: "marketplace", key: batches[0]!.key, reason: "unknown SKU", skus: [batches[0]!.items[0]!.sku] }),
    ]);
    const log = Object.values((await testRedis().xrange(channelKeys.log("marketplace"), "-", "+")) as Record<string, Record<string, unknown>>);
    expect(log.filter((e) => e.refused !== undefined)).toEqual([expect.objectContaining({ key: batches[0]!.key, refused: "unknown SKU" })]);
    // The refused target keeps the belief read from the channel.
    expect((await readBelieved(testRedis(), "marketplace", [targetKey(batches[0]!.items[0]!.sku, "*")])).get(targetKey(batches[0]!.items[0]!.sku, "*"))).toBe(
      0,
    );
  });

  it("out of time while retrying: the batch stays in flight and the SKU dirty; the next flush sends that batch first, under its key", async () => {
    await stock("marketplace", { "FL-11": [10, 0] });
    const busy = scripted("marketplace", { actual: { "FL-11|*": 0 }, results: [{ kind: "retry", reason: "unavailable", retryAfterMs: 40 }] });
    const stats = await flushChannel(testRedis(), busy.adapter, policy, soon(1_500));
    expect(stats.pending).toBe(1);
    expect(stats.writes).toBe(0);
    expect(stats.retries).toBeGreaterThanOrEqual(1);
    // Each retry waits for the hint (40 ms) or the time left: never a busy loop.
    expect(stats.retries).toBeLessThanOrEqual(1_500 / 40 + 1);
    const [inflight] = await listInflight(testRedis(), "marketplace");
    expect(inflight?.key).toBe(busy.batches[0]!.key);
    expect(await dirtyCount(testRedis(), "marketplace")).toBe(1);

    const fine = scripted("marketplace");
    expect(await flushChannel(testRedis(), fine.adapter, policy, soon())).toMatchObject({ writes: 1, pending: 0, skus: 1 });
    expect(fine.batches.map((b) => b.key)).toEqual([inflight!.key]);
    expect(fine.reads).toEqual([]);
    expect(await listInflight(testRedis(), "marketplace")).toEqual([]);
    expect(await dirtyCount(testRedis(), "marketplace")).toBe(0);
  });

  it("no tokens before the deadline: nothing sent, the batch waits in flight", async () => {
    await stock("marketplace", { "FL-12": [10, 0] });
    const starved = scripted("marketplace", { actual: { "FL-12|*": 0 }, writeCost: 50, bucket: { capacity: 10, refillPerSecond: 1 } });
    expect(await flushChannel(testRedis(), starved.adapter, policy, soon(2_000))).toMatchObject({ writes: 0, pending: 1 });
    expect(starved.batches).toEqual([]);
    expect(await listInflight(testRedis(), "marketplace")).toHaveLength(1);
    // The in-flight batch still cannot go: the flush stops there and reads nothing new (a new SKU stays unread).
    await stock("marketplace", { "FL-12B": [10, 0] });
    const again = scripted("marketplace", { writeCost: 50, bucket: { capacity: 10, refillPerSecond: 1 } });
    expect(await flushChannel(testRedis(), again.adapter, policy, soon(2_000))).toMatchObject({ writes: 0, pending: 1, skus: 0 });
    expect(again.reads).toEqual([]);
  });

  it("a channel switched off, or whose lease another flusher holds, is left alone", async () => {
    await stock("marketplace", { "FL-13": [10, 0] });
    const off = { ...policy, channels: { ...policy.channels, marketplace: { ...policy.channels.marketplace!, enabled: false } } };
    const a = scripted("marketplace", { actual: { "FL-13|*": 0 } });
    expect(await flushChannel(testRedis(), a.adapter, off, soon())).toEqual({ channel: "marketplace", skus: 0, writes: 0, items: 0, retries: 0, pending: 0 });
    const { marketplace: _gone, ...rest } = policy.channels;
    expect(await flushChannel(testRedis(), a.adapter, { ...policy, channels: rest }, soon())).toMatchObject({ skus: 0 });
    const lock = await acquireLock(testRedis(), channelKeys.flushLock("marketplace"), 60_000);
    expect(await flushChannel(testRedis(), a.adapter, policy, soon())).toMatchObject({ skus: 0, writes: 0 });
    expect(a.reads).toEqual([]);
    expect(a.batches).toEqual([]);
    expect(await dirtyCount(testRedis(), "marketplace")).toBe(1);
    await releaseLock(testRedis(), channelKeys.flushLock("marketplace"), lock!);
    expect(await flushChannel(testRedis(), a.adapter, policy, soon())).toMatchObject({ skus: 1, writes: 1 });
    // The flush gave its lease back.
    expect(await acquireLock(testRedis(), channelKeys.flushLock("marketplace"), 1_000)).not.toBeNull();
  });

  it("a location-aware channel re-reads a SKU marked for re-split at every location, even where we hold a belief", async () => {
    await stock("shopify", { "FL-R": [10, 4], "FL-U": [3, 3] });
    await setBelieved(
      testRedis(),
      "shopify",
      new Map([
        ["FL-R|wh-east", 9],
        ["FL-R|wh-west", 1],
      ]),
    );
    await markResplit(testRedis(), "shopify", ["FL-R"]);
    const { adapter, reads, batches } = scripted("shopify", { actual: { "FL-R|wh-east": 6, "FL-R|wh-west": 2, "FL-U|wh-east": 0, "FL-U|wh-west": 1 } });
    await flushChannel(testRedis(), adapter, policy, soon());
    expect(reads).toEqual([
      [
        { sku: "FL-U", location: "wh-east" },
        { sku: "FL-U", location: "wh-west" },
        { sku: "FL-R", location: "wh-east" },
        { sku: "FL-R", location: "wh-west" },
      ],
    ]);
    const want = new Map(
      [...(await desired("shopify", "FL-R")), ...(await desired("shopify", "FL-U"))].map(([l, v], i) => [`${i < 2 ? "FL-R" : "FL-U"}|${l}`, v]),
    );
    expect(await readBelieved(testRedis(), "shopify", [...want.keys()])).toEqual(want);
    // Planned from the re-split beliefs (what the channel holds, spread by resplitBeliefs), not the stale 9 / 1.
    const split = resplitBeliefs(
      new Map([
        ["FL-R|wh-east", 9],
        ["FL-R|wh-west", 1],
      ]),
      new Map([
        ["FL-R|wh-east", 6],
        ["FL-R|wh-west", 2],
      ]),
    );
    const wantR = await desired("shopify", "FL-R");
    const expectedR = ["wh-east", "wh-west"].flatMap((l) => (split.get(`FL-R|${l}`) === wantR.get(l) ? [] : [[l, split.get(`FL-R|${l}`), wantR.get(l)]]));
    expect(expectedR.length).toBeGreaterThan(0);
    expect(
      batches
        .flatMap((b) => b.items)
        .filter((i) => i.sku === "FL-R")
        .map((i) => [i.location, i.from, i.to]),
    ).toEqual(expectedR);
    expect(await takeResplit(testRedis(), "shopify", ["FL-R"])).toEqual([]);
  });

  it("beliefs move by what the channel says it applied (a clamp), not by what was asked", async () => {
    await stock("marketplace", { "FL-16": [10, 0] });
    const want = (await desired("marketplace", "FL-16")).get("*")!;
    const { adapter } = scripted("marketplace", { actual: { "FL-16|*": want + 5 }, results: [{ kind: "ok", data: { applied: [-3] } }] });
    await flushChannel(testRedis(), adapter, policy, soon());
    expect(await readBelieved(testRedis(), "marketplace", ["FL-16|*"])).toEqual(new Map([["FL-16|*", want + 2]]));
  });

  it("a write's and a refusal's log lines name at most five SKUs", async () => {
    const skus = Array.from({ length: 7 }, (_, i) => `FL-L${i}`);
    await stock("marketplace", Object.fromEntries(skus.map((s) => [s, [10, 0] as [number, number]])));
    const refused = scripted("marketplace", { actual: Object.fromEntries(skus.map((s) => [`${s}|*`, 0])), results: [{ kind: "error", message: "bad batch" }] });
    await flushChannel(testRedis(), refused.adapter, policy, soon());
    expect(eventsNamed(logs, "channel.write_refused")[0]!.skus).toHaveLength(5);
    const more = Array.from({ length: 7 }, (_, i) => `FL-M${i}`);
    await stock("marketplace", Object.fromEntries(more.map((s) => [s, [10, 0] as [number, number]])));
    const { adapter } = scripted("marketplace", { actual: Object.fromEntries(more.map((s) => [`${s}|*`, 0])) });
    await flushChannel(testRedis(), adapter, policy, soon());
    const [line] = eventsNamed(logs, "channel.write");
    expect(line).toMatchObject({ items: 7 });
    expect(line!.skus).toHaveLength(5);
  });

  it("a retry hint longer than the time left: waits only until the deadline", async () => {
    await stock("marketplace", { "FL-17": [10, 0] });
    const slow = scripted("marketplace", { actual: { "FL-17|*": 0 }, results: [{ kind: "retry", reason: "rate_limited", retryAfterMs: 10_000 }] });
    const started = Date.now();
    expect(await flushChannel(testRedis(), slow.adapter, policy, soon(500))).toMatchObject({ pending: 1, retries: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a SKU to re-split that we hold no belief for is read once per location, not twice", async () => {
    await stock("shopify", { "FL-N": [5, 5] });
    await markResplit(testRedis(), "shopify", ["FL-N"]);
    const { adapter, reads } = scripted("shopify", { actual: { "FL-N|wh-east": 1 } });
    await flushChannel(testRedis(), adapter, policy, soon());
    expect(reads).toEqual([
      [
        { sku: "FL-N", location: "wh-east" },
        { sku: "FL-N", location: "wh-west" },
      ],
    ]);
    // West was not reported: the item is not stocked there, so no belief (never read as 0) and no write there.
    const want = await desired("shopify", "FL-N");
    expect(await readBelieved(testRedis(), "shopify", ["FL-N|wh-east", "FL-N|wh-west"])).toEqual(new Map([["FL-N|wh-east", want.get("wh-east")]]));
  });

  it("a channel that is not location-aware leaves re-split marks alone", async () => {
    await stock("marketplace", { "FL-14": [10, 0] });
    await setBelieved(testRedis(), "marketplace", new Map([["FL-14|*", 7]]));
    await markResplit(testRedis(), "marketplace", ["FL-14"]);
    const { adapter, reads } = scripted("marketplace");
    await flushChannel(testRedis(), adapter, policy, soon());
    expect(reads).toEqual([]);
    expect(await takeResplit(testRedis(), "marketplace", ["FL-14"])).toEqual(["FL-14"]);
  });
});

describe("flushChannels and flushSoon", () => {
  it("no channel configured: nothing to do", async () => {
    expect(await flushChannels(workerContext())).toEqual([]);
    expect(await flushSoon(workerContext())).toEqual([]);
  });

  it("each configured channel is flushed and its numbers returned; flushSoon writes too", async () => {
    Object.assign(process.env, { MARKETPLACE_API_URL: marketplace.url, MARKETPLACE_API_KEY: "marketplace-key-0123456789" });
    await stock("marketplace", { "FL-E1": [10, 2] });
    const want = (await desired("marketplace", "FL-E1")).get("*")!;
    // The default time budget (20 s) is plenty.
    expect(await flushChannels(workerContext())).toEqual([{ channel: "marketplace", skus: 1, writes: 1, items: 1, retries: 0, pending: 0 }]);
    const listings = async () => (await (await fetch(`${marketplace.url}/_emulator/listings`)).json()) as Record<string, number>;
    expect((await listings())["FL-E1"]).toBe(want);
    await stock("marketplace", { "FL-E2": [6, 0] });
    await flushSoon(workerContext());
    expect((await listings())["FL-E2"]).toBe((await desired("marketplace", "FL-E2")).get("*"));
    expect(await dirtyCount(testRedis(), "marketplace")).toBe(0);
  });

  it("a channel that fails is logged and left out; it does not throw", async () => {
    Object.assign(process.env, { MARKETPLACE_API_URL: refusingUrl, MARKETPLACE_API_KEY: "wrong-key" });
    await stock("marketplace", { "FL-15": [10, 0] });
    expect(await flushChannels(workerContext(), { maxMs: 5_000 })).toEqual([]);
    expect(eventsNamed(logs, "flush.channel_failed")).toEqual([expect.objectContaining({ level: "error", error: expect.stringContaining("marketplace") })]);
    await flushSoon(workerContext());
    expect(eventsNamed(logs, "flush.failed")).toEqual([expect.objectContaining({ level: "error", channel: "marketplace", error: expect.any(String) })]);
    // The lease was given back both times.
    expect(await acquireLock(testRedis(), channelKeys.flushLock("marketplace"), 1_000)).not.toBeNull();
  });
});
