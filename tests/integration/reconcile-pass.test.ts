import type * as MetricsModule from "@/lib/redis/metrics";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { desiredTargets } from "@/lib/channels/plan";
import type { CasItem, CasOutcome, ObservedLevel, PageRead, ReconcileChannel } from "@/lib/channels/reconcile-channels";
import { getPolicy } from "@/lib/config/edge-config";
import type { StockEvent } from "@/lib/domain/events";
import { markDirty, readBelieved, saveInflight } from "@/lib/redis/channel-store";
import { channelKeys, reconKeys } from "@/lib/redis/keys";
import { acquireLock, releaseLock } from "@/lib/redis/lock";
import { applyEvents, readSnapshots } from "@/lib/redis/projection-store";
import { countMetrics } from "@/lib/redis/metrics";
import { readPass } from "@/lib/redis/reconcile-store";
import { runReconcile } from "@/workers/reconcile";
import { startAlertReceiver } from "../support/alert-receiver";
import { captureLogs, emptyRedis, eventsNamed, startWorkerWorld, type LogLine, testRedis, workerContext } from "../support/worker-world";

/**
 * workers/reconcile.ts against a redis-server of its own and a scripted channel (pages,
 * compare-and-swap, re-reads): what a pass records, corrects, alerts on and leaves to a human,
 * how it moves page by page and resumes, and when it must stop (lease, fence). The full
 * emulators are reconcile.test.ts's job; this one is fast enough to run per mutant.
 */
// Pass-through: the test reads what was counted without waiting on a fire-and-forget write.
vi.mock("@/lib/redis/metrics", async (original) => {
  const real = await original<typeof MetricsModule>();
  return { ...real, countMetrics: vi.fn(real.countMetrics) };
});

let world: Awaited<ReturnType<typeof startWorkerWorld>>;
let alerts: Awaited<ReturnType<typeof startAlertReceiver>>;
let logs: LogLine[];
const T0 = Date.parse("2026-11-27T10:00:00.000Z");

beforeAll(async () => {
  world = await startWorkerWorld("reconcile-pass");
  alerts = await startAlertReceiver();
}, 60_000);
afterAll(async () => {
  await alerts?.stop();
  await world?.stop();
});
beforeEach(async () => {
  await emptyRedis();
  delete process.env.ALERT_WEBHOOK_URL;
  vi.mocked(countMetrics).mockClear();
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

let n = 0;
async function stock(levels: Record<string, number>): Promise<void> {
  await applyEvents(
    testRedis(),
    Object.entries(levels).map(([sku, q]): StockEvent => ({
      id: `wms:r-${n++}`,
      kind: "receipt",
      sku,
      locationId: "wh-east",
      quantity: q,
      occurredAt: "2026-11-27T09:00:00.000Z",
      source: "wms",
      sourceUri: "test://recon",
    })),
  );
}
async function wanted(sku: string): Promise<number> {
  const snapshot = (await readSnapshots(testRedis(), [sku])).get(sku)!;
  return desiredTargets(snapshot, "marketplace", (await getPolicy()).channels.marketplace!).get("*")!;
}

/**
 * The marketplace as a scripted channel: `holds` is what it really holds; `pages` lists the
 * SKUs per page of its one segment. `onRead`/`onCas` let a test move things at those moments.
 */
function scripted(
  holds: Map<string, number>,
  pages: string[][],
  hooks: {
    onRead?: (page: number) => Promise<void> | void;
    reads?: PageRead[];
    onCas?: (attempt: number) => Promise<void> | void;
    readTargets?: (targets: readonly { sku: string }[]) => ObservedLevel[];
    casError?: string;
  } = {},
) {
  const casCalls: { key: string; items: CasItem[] }[] = [];
  const pageCalls: { segment: string; cursor: string | null }[] = [];
  const scriptedReads = [...(hooks.reads ?? [])];
  const observe = (sku: string): ObservedLevel => ({ sku, location: "*", actual: holds.get(sku) ?? 0, ref: `ref-${sku}` });
  const channel: ReconcileChannel = {
    channel: "marketplace",
    segments: ["all"],
    estimate: (tracked) => tracked * 10,
    async readPage(segment, cursor) {
      pageCalls.push({ segment, cursor });
      const scriptedRead = scriptedReads.shift();
      if (scriptedRead) return scriptedRead;
      const page = cursor === null ? 0 : Number(cursor);
      await hooks.onRead?.(page);
      return { kind: "ok", data: { observed: (pages[page] ?? []).map(observe), next: page + 1 < pages.length ? String(page + 1) : null } };
    },
    async readTargets(targets) {
      return hooks.readTargets ? hooks.readTargets(targets) : targets.map((t) => observe(t.sku));
    },
    async setCas(key, items): Promise<CasOutcome> {
      casCalls.push({ key, items: structuredClone([...items]) });
      await hooks.onCas?.(casCalls.length);
      const applied: CasItem[] = [];
      const stale: CasItem[] = [];
      for (const item of items) {
        if ((holds.get(item.sku) ?? 0) === item.actual) {
          holds.set(item.sku, item.to);
          applied.push(item);
        } else stale.push(observe(item.sku) && item);
      }
      return { applied, stale, ...(hooks.casError ? { error: hooks.casError } : {}) };
    },
  };
  return { channel, casCalls, pageCalls };
}
const pass = (channel: ReconcileChannel, opts: { now?: number; budgetMs?: number; maxPages?: number } = {}) =>
  runReconcile(workerContext({ now: () => opts.now ?? T0 }), {
    budgetMs: opts.budgetMs ?? 30_000,
    channels: [channel],
    ...(opts.maxPages === undefined ? {} : { maxPages: opts.maxPages }),
  });

describe("a drift pass", () => {
  it("over-reporting is corrected at once; under-reporting waits out the grace period; in-sync and untracked SKUs are left alone", async () => {
    await stock({ "RC-A": 10, "RC-B": 8, "RC-C": 9 });
    const [a, b, c] = [await wanted("RC-A"), await wanted("RC-B"), await wanted("RC-C")];
    const holds = new Map([
      ["RC-A", a + 2],
      ["RC-B", b],
      ["RC-C", c - 1],
      ["RC-FOREIGN", 4],
    ]);
    const { channel, casCalls, pageCalls } = scripted(holds, [
      ["RC-A", "RC-B"],
      ["RC-C", "RC-FOREIGN"],
    ]);

    const run = await pass(channel);
    expect(run).toMatchObject({ finished: true, pages: 3 });
    expect(run!.pass).toMatchObject({ total: 30, done: 3, drifted: 2, corrected: 1, needsHuman: 0, alerts: 0, stale: 0, finishedAt: T0, startedAt: T0 });
    expect(pageCalls).toEqual([
      { segment: "all", cursor: null },
      { segment: "all", cursor: "1" },
    ]);
    const fence = run!.pass.fences.marketplace;
    expect(casCalls).toEqual([
      { key: `reconcile-${run!.pass.id}-${fence}-marketplace-0-1`, items: [{ sku: "RC-A", location: "*", actual: a + 2, ref: "ref-RC-A", to: a }] },
    ]);
    expect(holds.get("RC-A")).toBe(a);
    expect(await readBelieved(testRedis(), "marketplace", ["RC-A|*"])).toEqual(new Map([["RC-A|*", a]]));
    expect(eventsNamed(logs, "reconcile.correct_failed")).toEqual([]);
    expect(eventsNamed(logs, "reconcile.corrected")).toEqual([
      expect.objectContaining({ channel: "marketplace", sku: "RC-A", location: "*", from: a + 2, to: a, passId: run!.pass.id }),
    ]);
    expect(eventsNamed(logs, "reconcile.pass_finished")).toEqual([
      expect.objectContaining({ passId: run!.pass.id, checked: 3, drifted: 2, corrected: 1, needsHuman: 0, ms: 0 }),
    ]);
    // One series entry per page read, with that page's numbers.
    const series = (await testRedis().xrange(reconKeys.series, "-", "+")) as Record<string, Record<string, unknown>>;
    expect(Object.values(series).map((e) => [e.checked, e.drifted, e.absDrift, e.corrected, e.stale].map(Number))).toEqual([
      [2, 1, 2, 1, 0],
      [1, 1, 1, 0, 0],
    ]);
    expect(Object.values(series).map((e) => [e.passId, e.channel, Number(e.at)])).toEqual([
      [run!.pass.id, "marketplace", T0],
      [run!.pass.id, "marketplace", T0],
    ]);
    expect(vi.mocked(countMetrics).mock.calls.map((c) => c[1])).toEqual([{ "read:marketplace": 1 }, { "read:marketplace": 1 }]);
    // What each target looked like, for /ops: actual, wanted, our belief (none yet for B), the action.
    const latest = await testRedis().hget<Record<string, unknown>>(reconKeys.latest, "marketplace|RC-B|*");
    expect(typeof latest === "string" ? JSON.parse(latest) : latest).toMatchObject({ actual: b, wanted: b, believed: null, action: "in_sync", at: T0 });

    // The next pass, past the grace period: the under-report has held, so it is corrected now.
    const later = await pass(channel, { now: T0 + 121_000 });
    expect(later!.pass).toMatchObject({ done: 3, drifted: 1, corrected: 1 });
    expect(later!.pass.id).not.toBe(run!.pass.id);
    expect(holds.get("RC-C")).toBe(c);
    // Keyed by pass, fence, channel, position (checked so far) and attempt: never a replay of the first pass's.
    expect(casCalls[1]!.key).toBe(`reconcile-${later!.pass.id}-${later!.pass.fences.marketplace}-marketplace-2-1`);
  });

  it("drift beyond the auto-correct limit waits for a human and alerts (to the webhook too); our own pending write neither alerts nor is corrected", async () => {
    Object.assign(process.env, { ALERT_WEBHOOK_URL: alerts.url, ALERT_WEBHOOK_FORMAT: "pagerduty" });
    const before = ((await (await fetch(alerts.url)).json()) as { alerts: unknown[] }).alerts.length;
    await stock({ "RC-H": 10, "RC-P": 10, "RC-Q": 10 });
    const h = await wanted("RC-H");
    const holds = new Map([
      ["RC-H", h + 40],
      ["RC-P", 0],
      ["RC-Q", 50],
    ]);
    await markDirty(testRedis(), ["marketplace"], [{ sku: "RC-P", version: 1 }]);
    await saveInflight(testRedis(), "marketplace", { key: "k1", items: [{ sku: "RC-Q", location: "*", from: 0, to: 7, version: 1 }] });
    const { channel, casCalls } = scripted(holds, [["RC-H", "RC-P", "RC-Q"]]);
    const run = await pass(channel);
    expect(run!.pass).toMatchObject({ done: 3, drifted: 3, corrected: 0, needsHuman: 1, alerts: 1 });
    expect(casCalls).toEqual([]);
    const stored = (await testRedis().lrange(reconKeys.alerts, 0, -1)).map((a) => (typeof a === "string" ? JSON.parse(a) : a));
    expect(stored).toEqual([
      {
        at: new Date(T0).toISOString(),
        passId: run!.pass.id,
        channel: "marketplace",
        sku: "RC-H",
        location: "*",
        actual: h + 40,
        wanted: h,
        drift: 40,
        action: "needs_human",
      },
    ]);
    expect(eventsNamed(logs, "drift.alert")).toEqual([
      expect.objectContaining({ level: "warn", channel: "marketplace", sku: "RC-H", location: "*", drift: 40, action: "needs_human", passId: run!.pass.id }),
    ]);
    const sent = (
      (await (await fetch(alerts.url)).json()) as { alerts: { payload: { summary: string; component: string; custom_details: unknown } }[] }
    ).alerts.slice(before);
    delete process.env.ALERT_WEBHOOK_FORMAT;
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload).toMatchObject({ summary: "1 SKU location(s) drifted beyond the threshold", component: "drift", custom_details: stored });
  });

  it("an alert webhook that fails is logged; the pass goes on", async () => {
    process.env.ALERT_WEBHOOK_URL = "http://127.0.0.1:1/alerts";
    await stock({ "RC-W": 10 });
    const { channel } = scripted(new Map([["RC-W", (await wanted("RC-W")) + 30]]), [["RC-W"]]);
    expect(await pass(channel)).toMatchObject({ finished: true });
    expect(eventsNamed(logs, "drift.alert_webhook_failed")).toEqual([expect.objectContaining({ level: "error", error: expect.any(String) })]);
  });

  it("drift within the threshold is corrected without an alert; exactly at the threshold too", async () => {
    process.env.ALERT_WEBHOOK_URL = alerts.url;
    const before = ((await (await fetch(alerts.url)).json()) as { alerts: unknown[] }).alerts.length;
    await stock({ "RC-T": 10 });
    const t = await wanted("RC-T");
    const { channel } = scripted(new Map([["RC-T", t + 3]]), [["RC-T"]]);
    const run = await pass(channel);
    expect(run!.pass).toMatchObject({ alerts: 0, corrected: 1 });
    expect(await testRedis().llen(reconKeys.alerts)).toBe(0);
    // Nothing beyond the threshold: no (empty) alert to the webhook either.
    expect(((await (await fetch(alerts.url)).json()) as { alerts: unknown[] }).alerts.length).toBe(before);
  });

  it("a channel switched off is checked and recorded, never corrected", async () => {
    await stock({ "RC-OFF": 10 });
    await world.editPolicy((p) => ((p.channels as Record<string, { enabled: boolean }>).marketplace!.enabled = false));
    try {
      const { channel, casCalls } = scripted(new Map([["RC-OFF", (await wanted("RC-OFF")) + 2]]), [["RC-OFF"]]);
      expect((await pass(channel))!.pass).toMatchObject({ done: 1, drifted: 1, corrected: 0 });
      expect(casCalls).toEqual([]);
    } finally {
      await world.editPolicy((p) => ((p.channels as Record<string, { enabled: boolean }>).marketplace!.enabled = true));
    }
  });
});

describe("what a pass does not compare", () => {
  it("an empty page, a location the channel should not hold, and a channel the policy does not have", async () => {
    await stock({ "RC-E": 10 });
    const holds = new Map([["RC-E", (await wanted("RC-E")) + 2]]);
    const { channel, casCalls } = scripted(holds, [[], ["RC-E"]]);
    const read = channel.readPage.bind(channel);
    channel.readPage = async (segment, cursor, tracked) => {
      const page = await read(segment, cursor, tracked);
      return page.kind === "ok" && page.data.observed.length > 0
        ? { ...page, data: { ...page.data, observed: [...page.data.observed, { sku: "RC-E", location: "wh-north", actual: 99, ref: null }] } }
        : page;
    };
    expect((await pass(channel))!.pass).toMatchObject({ done: 1, drifted: 1, corrected: 1 });
    expect(casCalls.flatMap((c) => c.items.map((i) => i.location))).toEqual(["*"]);

    await world.editPolicy((p) => delete (p.channels as Record<string, unknown>).marketplace);
    try {
      const again = scripted(new Map([["RC-E", 50]]), [["RC-E"]]);
      expect((await pass(again.channel, { now: T0 + 1_000 }))!.pass).toMatchObject({ done: 0, drifted: 0 });
      expect(again.casCalls).toEqual([]);
    } finally {
      await world.editPolicy(
        (p) =>
          ((p.channels as Record<string, unknown>).marketplace = { enabled: true, defaultBuffer: 3, locations: ["wh-east", "wh-west"], locationAware: false }),
      );
    }
  });
});

describe("corrections under the channel's write lease", () => {
  it("waits for a flusher to let go of the lease, then corrects", async () => {
    await stock({ "RC-L": 10 });
    const l = await wanted("RC-L");
    const holds = new Map([["RC-L", l + 2]]);
    const lock = await acquireLock(testRedis(), channelKeys.flushLock("marketplace"), 60_000);
    const { channel, casCalls } = scripted(holds, [["RC-L"]], {
      onRead: () => void setTimeout(() => void releaseLock(testRedis(), channelKeys.flushLock("marketplace"), lock!), 150),
    });
    expect((await pass(channel))!.pass).toMatchObject({ corrected: 1 });
    expect(casCalls).toHaveLength(1);
    expect(holds.get("RC-L")).toBe(l);
    // And gives it back.
    expect(await acquireLock(testRedis(), channelKeys.flushLock("marketplace"), 1_000)).not.toBeNull();
  });

  it("a channel error on the write is logged", async () => {
    await stock({ "RC-ERR": 10 });
    const { channel } = scripted(new Map([["RC-ERR", (await wanted("RC-ERR")) + 2]]), [["RC-ERR"]], { casError: "HTTP 500" });
    await pass(channel);
    expect(eventsNamed(logs, "reconcile.correct_failed")).toEqual([expect.objectContaining({ level: "error", channel: "marketplace", error: "HTTP 500" })]);
  });

  it("fenced out between the write and our beliefs: the beliefs are not touched, and the pass stops", async () => {
    await stock({ "RC-B2": 10 });
    const { channel, casCalls } = scripted(new Map([["RC-B2", (await wanted("RC-B2")) + 2]]), [["RC-B2"]], {
      onCas: async () => void (await testRedis().incr(channelKeys.reconFence("marketplace"))),
    });
    const run = await pass(channel);
    expect(casCalls).toHaveLength(1);
    expect(run).toMatchObject({ finished: false });
    expect(await readBelieved(testRedis(), "marketplace", ["RC-B2|*"])).toEqual(new Map());
    expect(eventsNamed(logs, "reconcile.fenced_out")[0]).toMatchObject({ level: "warn", channel: "marketplace", passId: run!.pass.id });
  });
});

describe("compare-and-swap", () => {
  it("the channel moved between our read and our write (a sale): re-read, and the same change is applied on top", async () => {
    await stock({ "RC-S": 10 });
    const s = await wanted("RC-S");
    const holds = new Map([["RC-S", s + 3]]);
    // A sale of 1 lands just before our first write.
    const { channel, casCalls } = scripted(holds, [["RC-S"]], { onCas: (attempt) => void (attempt === 1 && holds.set("RC-S", s + 2)) });
    const run = await pass(channel);
    expect(run!.pass).toMatchObject({ corrected: 1, stale: 1 });
    expect(casCalls.map((c) => c.items.map((i) => [i.actual, i.to]))).toEqual([[[s + 3, s]], [[s + 2, s - 1]]]);
    expect(casCalls[1]!.key).toMatch(/-2$/);
    expect(casCalls[0]!.key).toMatch(/-1$/);
    expect(holds.get("RC-S")).toBe(s - 1);
    expect(eventsNamed(logs, "reconcile.cas_stale")).toEqual([expect.objectContaining({ sku: "RC-S", read: s + 3 })]);
  });

  it("never below zero, at most three attempts, and a target gone on re-read is dropped", async () => {
    await stock({ "RC-Z": 4, "RC-G": 10 });
    const holds = new Map([
      ["RC-Z", (await wanted("RC-Z")) + 2],
      ["RC-G", (await wanted("RC-G")) + 2],
    ]);
    // Every write finds the channel moved again (RC-G too, which is then gone on the re-read).
    const { channel, casCalls } = scripted(holds, [["RC-Z", "RC-G"]], {
      onCas: () => {
        holds.set("RC-Z", (holds.get("RC-Z") ?? 0) - 1);
        holds.set("RC-G", (holds.get("RC-G") ?? 0) + 1);
      },
      readTargets: (targets) => targets.filter((t) => t.sku !== "RC-G").map((t) => ({ sku: t.sku, location: "*", actual: holds.get(t.sku) ?? 0, ref: null })),
    });
    await pass(channel);
    expect(casCalls).toHaveLength(3);
    expect(casCalls.every((c) => c.items.every((i) => i.to >= 0))).toBe(true);
    expect(casCalls.slice(1).every((c) => c.items.every((i) => i.sku === "RC-Z"))).toBe(true);
  });
});

describe("moving through a pass", () => {
  it("a page to retry is asked again; a segment that cannot be read is skipped and logged", async () => {
    await stock({ "RC-R": 10 });
    const holds = new Map([["RC-R", await wanted("RC-R")]]);
    const { channel, pageCalls } = scripted(holds, [["RC-R"]], { reads: [{ kind: "retry", reason: "rate_limited", retryAfterMs: 5 }] });
    const started = Date.now();
    const run = await pass(channel);
    // Waited for the hint (5 ms), not the 5 s cap.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(run).toMatchObject({ finished: true, pages: 3 });
    expect(pageCalls).toEqual([
      { segment: "all", cursor: null },
      { segment: "all", cursor: null },
    ]);
    expect(run!.pass.done).toBe(1);

    const broken = scripted(holds, [["RC-R"]], { reads: [{ kind: "error", message: "unknown location" }] });
    const skipped = await pass({ ...broken.channel, segments: ["bad", "all"] });
    expect(skipped!.pass.done).toBe(1);
    expect(broken.pageCalls.map((p) => p.segment)).toEqual(["bad", "all"]);
    expect(eventsNamed(logs, "reconcile.read_failed")).toEqual([
      expect.objectContaining({ level: "error", channel: "marketplace", segment: "bad", error: "unknown location" }),
    ]);
  });

  it("a pass cut short resumes where it stopped (fresh fences), and a finished pass starts a new one", async () => {
    await stock({ "RC-1": 10, "RC-2": 10 });
    const holds = new Map([
      ["RC-1", await wanted("RC-1")],
      ["RC-2", await wanted("RC-2")],
    ]);
    const { channel, pageCalls } = scripted(holds, [["RC-1"], ["RC-2"]]);
    const first = await pass(channel, { maxPages: 1 });
    expect(first).toMatchObject({ finished: false, pages: 1 });
    expect((await readPass(testRedis()))!.position).toEqual({ channel: 0, segment: 0, cursor: "1" });
    const resumed = await pass(channel, { now: T0 + 5_000 });
    expect(resumed).toMatchObject({ finished: true, pages: 2 });
    expect(resumed!.pass.id).toBe(first!.pass.id);
    expect(resumed!.pass.done).toBe(2);
    expect(resumed!.pass.fences.marketplace).toBe(first!.pass.fences.marketplace! + 1);
    expect(pageCalls.map((p) => p.cursor)).toEqual([null, "1"]);
    const next = await pass(channel, { now: T0 + 9_000 });
    expect(next!.pass.id).not.toBe(first!.pass.id);
    expect(next!.pass.done).toBe(2);
  });

  it("no time left: no page read, the pass not finished; the lease is given back", async () => {
    await stock({ "RC-3": 10 });
    const { channel, pageCalls } = scripted(new Map(), [["RC-3"]]);
    expect(await pass(channel, { budgetMs: 0 })).toMatchObject({ finished: false, pages: 0 });
    expect(pageCalls).toEqual([]);
    expect(await acquireLock(testRedis(), reconKeys.lock, 1_000)).not.toBeNull();
  });

  it("another reconciler holds the lease: nothing (null)", async () => {
    const lock = await acquireLock(testRedis(), reconKeys.lock, 60_000);
    const { channel, pageCalls } = scripted(new Map(), [["RC-4"]]);
    expect(await pass(channel)).toBeNull();
    expect(pageCalls).toEqual([]);
    await releaseLock(testRedis(), reconKeys.lock, lock!);
  });

  it("the lease is extended after every page", async () => {
    await stock({ "RC-5": 10 });
    let ttls: number[] = [];
    const { channel } = scripted(new Map(), [["RC-5"], ["RC-5"]], {
      onRead: async () => {
        ttls.push(await testRedis().pttl(reconKeys.lock));
        await testRedis().pexpire(reconKeys.lock, 2_000);
      },
    });
    await pass(channel);
    // The second read sees the lease renewed to 30 s after the first page, not the 2 s it was cut to.
    expect(ttls[1]).toBeGreaterThan(20_000);
    ttls = [];
  });
});

describe("fencing: a newer pass owns the channel", () => {
  it("a pass fenced out after reading a page stops: no correction, no position saved", async () => {
    await stock({ "RC-F": 10, "RC-G2": 10 });
    const holds = new Map([
      ["RC-F", await wanted("RC-F")],
      ["RC-G2", (await wanted("RC-G2")) + 2],
    ]);
    const { channel, casCalls } = scripted(holds, [["RC-F"], ["RC-G2"]], {
      onRead: async (page) => {
        if (page === 1) await testRedis().incr(channelKeys.reconFence("marketplace"));
      },
    });
    const run = await pass(channel);
    expect(run).toMatchObject({ finished: false, pages: 1 });
    expect(casCalls).toEqual([]);
    expect((await readPass(testRedis()))!.position).toEqual({ channel: 0, segment: 0, cursor: "1" });
    expect(eventsNamed(logs, "reconcile.fenced_out")).toEqual([expect.objectContaining({ level: "warn", passId: run!.pass.id, pages: 1 })]);
  });

  it("a newer pass on any one of the channels fences the whole pass out", async () => {
    await stock({ "RC-M": 10 });
    const { channel, casCalls } = scripted(new Map([["RC-M", (await wanted("RC-M")) + 2]]), [["RC-M"]], {
      onRead: async () => void (await testRedis().incr(channelKeys.reconFence("erp"))),
    });
    const erp: ReconcileChannel = {
      channel: "erp",
      segments: [],
      estimate: () => 0,
      readPage: async () => ({ kind: "ok", data: { observed: [], next: null } }),
      readTargets: async () => [],
      setCas: async () => ({ applied: [], stale: [] }),
    };
    const run = await runReconcile(workerContext({ now: () => T0 }), { budgetMs: 30_000, channels: [channel, erp] });
    expect(run).toMatchObject({ finished: false, pages: 0 });
    expect(casCalls).toEqual([]);
  });

  it("fenced out with nothing to correct: the page's position is not saved either", async () => {
    await stock({ "RC-K": 10 });
    const { channel } = scripted(new Map([["RC-K", await wanted("RC-K")]]), [["RC-K"]], {
      onRead: async () => void (await testRedis().incr(channelKeys.reconFence("marketplace"))),
    });
    expect(await pass(channel)).toMatchObject({ finished: false, pages: 0 });
    expect((await readPass(testRedis()))!.position).toEqual({ channel: 0, segment: 0, cursor: null });
  });

  it("errors other than the fence are not swallowed", async () => {
    const { channel } = scripted(new Map(), [["RC-X"]]);
    await expect(
      pass({
        ...channel,
        readPage: async () => {
          throw new Error("boom");
        },
      }),
    ).rejects.toThrow("boom");
    // The lease was given back.
    expect(await acquireLock(testRedis(), reconKeys.lock, 1_000)).not.toBeNull();
  });
});
