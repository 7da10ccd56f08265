import type * as RecoveryModule from "@/workers/recovery";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { createRedis } from "@/lib/redis/client";
import { clearDirty, readBelieved, readDirty, setBelieved, takeResplit } from "@/lib/redis/channel-store";
import { readIncident } from "@/lib/redis/incident-store";
import { enqueueDelivery, queueLength, readDeadLetters } from "@/lib/redis/intake-queue";
import { INTAKE_GROUP, keys } from "@/lib/redis/keys";
import { readSnapshots } from "@/lib/redis/projection-store";
import { freePort } from "@/harness/ports";
import { PROCESS_CONSUMER, drainIntake, drainSoon } from "@/workers/drain";
import { recoverSoon } from "@/workers/recovery";
import { captureLogs, emptyRedis, eventsNamed, startWorkerWorld, type LogLine, testRedis, workerContext } from "../support/worker-world";

/**
 * workers/drain.ts against a redis-server of its own: what a drain applies, acknowledges and
 * counts, entries it can never apply, entries another consumer left pending, the incidents it
 * opens, and what it tells the channel writers. The channels are configured in env (so the
 * drain marks them) but never called: the drain does not talk to channels.
 */
// Pass-through, so the test can see that the drain asked for a recovery run.
vi.mock("@/workers/recovery", async (original) => {
  const real = await original<typeof RecoveryModule>();
  return { ...real, recoverSoon: vi.fn(real.recoverSoon) };
});

let world: Awaited<ReturnType<typeof startWorkerWorld>>;
let logs: LogLine[];
const channelEnv = {
  MARKETPLACE_API_URL: "http://127.0.0.1:9/marketplace",
  MARKETPLACE_API_KEY: "unused-key",
  SHOPIFY_STORE_DOMAIN: "drain-test.myshopify.com",
  SHOPIFY_ADMIN_ACCESS_TOKEN: "shpat_unused",
  SHOPIFY_ADMIN_API_URL: "http://127.0.0.1:9/shopify",
};

beforeAll(async () => {
  world = await startWorkerWorld("drain-intake");
}, 60_000);
afterAll(async () => world?.stop());
beforeEach(async () => {
  await emptyRedis();
  for (const key of Object.keys(channelEnv)) delete process.env[key];
  delete process.env.INTAKE_CLAIM_IDLE_MS;
  delete process.env.ERP_API_URL;
  delete process.env.ERP_API_KEY;
  vi.mocked(recoverSoon).mockClear();
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

const withChannels = () => {
  Object.assign(process.env, channelEnv);
};
let n = 0;
const at = "2026-11-27T09:00:00.000Z";
const receipt = (sku: string, quantity: number, location = "wh-east"): StockEvent => ({
  id: `wms:d-${n++}`,
  kind: "receipt",
  sku,
  locationId: location,
  quantity,
  occurredAt: at,
  source: "wms",
  sourceUri: "test://drain",
});
const reserve = (sku: string, lineKey: string, quantity: number, locationId?: string): StockEvent =>
  ({
    id: `sale-${n++}`,
    kind: "reserve",
    sku,
    channel: lineKey.split(":")[0],
    lineKey,
    quantity,
    occurredAt: at,
    source: lineKey.split(":")[0],
    sourceUri: "test://sale",
    ...(locationId ? { locationId } : {}),
  }) as StockEvent;
const shortPickEvent = (sku: string, lineKey: string, quantity: number): StockEvent =>
  ({
    id: `wms:sp-${n++}`,
    kind: "short_pick",
    sku,
    locationId: "wh-east",
    quantity,
    lineKey,
    occurredAt: at,
    source: "wms",
    sourceUri: "test://drain",
  }) as StockEvent;
const pending = async () => (await testRedis().xpending(keys.intakeStream, INTAKE_GROUP, "-", "+", 100)) as unknown as [string, string, number, number][];

describe("drainIntake", () => {
  it("applies every event once, acknowledges, and counts applied and duplicates", async () => {
    const a = receipt("DRN-1", 5);
    await enqueueDelivery(testRedis(), "wms", null, [a, receipt("DRN-1", 2, "wh-west")]);
    await enqueueDelivery(testRedis(), "wms", null, [a]); // the same event again (a sender's retry under another delivery id)
    const stats = await drainIntake(workerContext(), { consumer: "t1" });
    expect(stats).toMatchObject({ deliveries: 2, events: 3, applied: 2, duplicates: 1 });
    expect(stats.ms).toBeGreaterThanOrEqual(0);
    expect(stats.ms).toBeLessThan(60_000);
    expect((await readSnapshots(testRedis(), ["DRN-1"])).get("DRN-1")?.projection.onHand).toEqual({ "wh-east": 5, "wh-west": 2 });
    expect(await pending()).toEqual([]);
    expect(await drainIntake(workerContext(), { consumer: "t1" })).toMatchObject({ deliveries: 0, events: 0, applied: 0, duplicates: 0 });
    const lines = eventsNamed(logs, "stock.event");
    expect(lines.map((l) => [l.eventId, l.effect])).toEqual([
      [a.id, "applied"],
      [expect.any(String), "applied"],
      [a.id, "duplicate"],
    ]);
    expect(lines[0]).toMatchObject({ level: "info", sku: "DRN-1", kind: "receipt", channel: null, version: 1 });
  });

  it("logs the channel of a sale", async () => {
    await enqueueDelivery(testRedis(), "marketplace", null, [reserve("DRN-2", "marketplace:M1:1", 1)]);
    await drainIntake(workerContext(), { consumer: "t2" });
    expect(eventsNamed(logs, "stock.event")[0]).toMatchObject({ kind: "reserve", channel: "marketplace" });
  });

  it("an entry that can never be applied (a foreign producer) is dead-lettered and acknowledged, alone or with others", async () => {
    const id = await testRedis().xadd(keys.intakeStream, "*", { src: "elsewhere", events: JSON.stringify([{ kind: "nonsense" }]) });
    expect(await drainIntake(workerContext(), { consumer: "t3" })).toMatchObject({ deliveries: 0, events: 0 });
    const [letter] = await readDeadLetters(testRedis());
    expect(letter).toMatchObject({ source: "intake-stream", field: "events", body: id, error: expect.any(String) });
    expect(letter!.error.length).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(letter!.receivedAt) - Date.now())).toBeLessThan(60_000);
    expect(await pending()).toEqual([]);

    const other = await testRedis().xadd(keys.intakeStream, "*", { src: "elsewhere", events: "not json at all" });
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-3", 1)]);
    expect(await drainIntake(workerContext(), { consumer: "t3" })).toMatchObject({ deliveries: 1, events: 1 });
    expect((await readDeadLetters(testRedis())).map((l) => l.body)).toEqual([other, id]);
    expect(await pending()).toEqual([]);
    expect(await queueLength(testRedis())).toBe(0);
  });

  it("in batches of batchSize, telling onApplied and pauseAt about each", async () => {
    for (let i = 0; i < 3; i++) await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-4", 1), receipt("DRN-4", 1)]);
    const seen: string[] = [];
    const stats = await drainIntake(workerContext(), {
      consumer: "t4",
      batchSize: 2,
      onApplied: () => seen.push("applied!"),
      pauseAt: async (stage, batch) => void seen.push(`${stage} ${batch.deliveries}/${batch.events}`),
    });
    expect(stats).toMatchObject({ deliveries: 3, events: 6, applied: 6 });
    expect(seen).toEqual(["read 2/4", "applied 2/4", "applied!", "read 1/2", "applied 1/2", "applied!"]);
  });

  it("maxMs 0 starts no batch", async () => {
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-5", 1)]);
    expect(await drainIntake(workerContext(), { consumer: "t5", maxMs: 0 })).toMatchObject({ deliveries: 0, events: 0 });
    expect(await queueLength(testRedis())).toBe(1);
    expect(await pending()).toEqual([]);
  });

  it("an entry a dead consumer left pending is claimed once idle long enough (claimIdleMs, or INTAKE_CLAIM_IDLE_MS)", async () => {
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-6", 3)]);
    // A drain that dies after reading (the default consumer is this process's own).
    await expect(
      drainIntake(workerContext(), {
        pauseAt: async () => {
          throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    const [entry] = await pending();
    expect(entry?.[1]).toBe(PROCESS_CONSUMER);
    expect(PROCESS_CONSUMER).toMatch(new RegExp(`^c-${process.pid}-[0-9a-f]{8}$`));
    expect(await drainIntake(workerContext(), { consumer: "t6", claimIdleMs: 3_600_000 })).toMatchObject({ deliveries: 0 });
    // The default: 30 s idle before another consumer takes it over.
    expect(await drainIntake(workerContext(), { consumer: "t6" })).toMatchObject({ deliveries: 0 });
    process.env.INTAKE_CLAIM_IDLE_MS = "3600000";
    expect(await drainIntake(workerContext(), { consumer: "t6" })).toMatchObject({ deliveries: 0 });
    process.env.INTAKE_CLAIM_IDLE_MS = "0";
    expect(await drainIntake(workerContext(), { consumer: "t6" })).toMatchObject({ deliveries: 1, applied: 1 });
    expect(await pending()).toEqual([]);
  });
});

describe("incidents the drain opens", () => {
  it("a short pick opens one incident for its line and asks for recovery; its re-delivery opens nothing", async () => {
    const event = shortPickEvent("DRN-7", "shopify:7001:1", 2);
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-7", 5), event]);
    const before = Date.now();
    await drainIntake(workerContext(), { consumer: "t7" });
    expect(recoverSoon).toHaveBeenCalledTimes(1);
    await vi.mocked(recoverSoon).mock.results[0]!.value;
    const opened = await readIncident(testRedis(), `short:${event.id}`);
    expect(opened).toMatchObject({ kind: "short_pick", sku: "DRN-7", locationId: "wh-east", units: 2, lineKey: "shopify:7001:1" });
    expect(Date.parse(opened!.openedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(opened!.openedAt)).toBeLessThanOrEqual(Date.now());
    expect(eventsNamed(logs, "oversell.incident_opened")).toEqual([
      expect.objectContaining({ level: "warn", sku: "DRN-7", eventId: event.id, kind: "short_pick", units: 2 }),
    ]);

    await enqueueDelivery(testRedis(), "wms", null, [event]);
    await drainIntake(workerContext(), { consumer: "t7" });
    expect(recoverSoon).toHaveBeenCalledTimes(1);
    expect(eventsNamed(logs, "oversell.incident_opened")).toHaveLength(1);
  });

  it("a short pick naming no line opens an incident without one", async () => {
    const event = { ...shortPickEvent("DRN-8", "x:1:1", 1), lineKey: undefined } as StockEvent;
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-8", 5), event]);
    await drainIntake(workerContext(), { consumer: "t8" });
    await vi.mocked(recoverSoon).mock.results[0]?.value;
    expect((await readIncident(testRedis(), `short:${event.id}`))?.lineKey).toBeNull();
  });

  it("reservations beyond the shelves open one oversold incident per SKU while it is open", async () => {
    const over = reserve("DRN-9", "shopify:9001:1", 3);
    const more = reserve("DRN-9", "shopify:9002:1", 1);
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-9", 1)]);
    await enqueueDelivery(testRedis(), "shopify", null, [over, more]);
    await drainIntake(workerContext(), { consumer: "t9", batchSize: 1 });
    expect(recoverSoon).toHaveBeenCalledTimes(1);
    await vi.mocked(recoverSoon).mock.results[0]!.value;
    const opened = await readIncident(testRedis(), `oversold:DRN-9:${over.id}`);
    expect(opened).toMatchObject({ kind: "oversold", sku: "DRN-9", locationId: null, units: 2, lineKey: null });
    expect(eventsNamed(logs, "oversell.incident_opened")).toEqual([expect.objectContaining({ sku: "DRN-9", eventId: over.id, kind: "oversold", units: 2 })]);
    // The second sale in the same batch found the SKU's incident open.
    expect(await readIncident(testRedis(), `oversold:DRN-9:${more.id}`)).toBeNull();
  });

  it("a re-delivered oversold sale after its incident closed claims nothing: the next real oversell opens a new incident", async () => {
    const over = reserve("DRN-18", "shopify:18001:1", 2);
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-18", 1)]);
    await enqueueDelivery(testRedis(), "shopify", null, [over]);
    await drainIntake(workerContext(), { consumer: "t18" });
    // The recovery run holds it (waiting for a restock) and frees the SKU's slot.
    await vi.mocked(recoverSoon).mock.results[0]!.value;
    expect((await readIncident(testRedis(), `oversold:DRN-18:${over.id}`))?.state).toBe("waiting_restock");
    await enqueueDelivery(testRedis(), "shopify", null, [over]);
    await drainIntake(workerContext(), { consumer: "t18" });
    const next = reserve("DRN-18", "shopify:18002:1", 1);
    await enqueueDelivery(testRedis(), "shopify", null, [next]);
    await drainIntake(workerContext(), { consumer: "t18" });
    expect(await readIncident(testRedis(), `oversold:DRN-18:${next.id}`)).toMatchObject({ kind: "oversold", units: 2 });
  });

  it("stock that covers its reservations opens nothing", async () => {
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-10", 3), reserve("DRN-10", "shopify:10001:1", 3)]);
    await drainIntake(workerContext(), { consumer: "t10" });
    expect(recoverSoon).not.toHaveBeenCalled();
  });
});

describe("what the drain tells the channel writers", () => {
  it("no channel configured: nothing marked", async () => {
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-11", 3)]);
    await drainIntake(workerContext(), { consumer: "t11" });
    expect(await testRedis().keys("ch:*")).toEqual([]);
  });

  it("every changed SKU is marked dirty for every writable channel, at its latest version; duplicates too", async () => {
    withChannels();
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-12", 3), receipt("DRN-12", 1, "wh-west"), receipt("DRN-13", 2)]);
    await drainIntake(workerContext(), { consumer: "t12" });
    for (const channel of ["shopify", "marketplace"] as const) {
      expect(new Map((await readDirty(testRedis(), channel, 10)).map((d) => [d.sku, d.version]))).toEqual(
        new Map([
          ["DRN-12", "2"],
          ["DRN-13", "1"],
        ]),
      );
    }
    expect(await readDirty(testRedis(), "erp", 10)).toEqual([]);

    // A worker that died after applying but before marking: the re-read (a duplicate) marks again.
    for (const channel of ["shopify", "marketplace"] as const) await clearDirty(testRedis(), channel, await readDirty(testRedis(), channel, 10));
    const dup = receipt("DRN-14", 1);
    await enqueueDelivery(testRedis(), "wms", null, [dup]);
    await drainIntake(workerContext(), { consumer: "t12" });
    await clearDirty(testRedis(), "marketplace", await readDirty(testRedis(), "marketplace", 10));
    await enqueueDelivery(testRedis(), "wms", null, [dup]);
    expect(await drainIntake(workerContext(), { consumer: "t12" })).toMatchObject({ duplicates: 1 });
    expect((await readDirty(testRedis(), "marketplace", 10)).map((d) => d.sku)).toEqual(["DRN-14"]);
  });

  it("a channel's own sale moves what we believe it holds (once), and only that channel's", async () => {
    // The ERP is written to as well, and like the marketplace it holds one number per SKU (`sku|*`).
    Object.assign(process.env, { ERP_API_URL: "http://127.0.0.1:9/erp", ERP_API_KEY: "unused-key" });
    withChannels();
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-15", 10)]);
    await drainIntake(workerContext(), { consumer: "t15" });
    await setBelieved(testRedis(), "marketplace", new Map([["DRN-15|*", 7]]));
    await setBelieved(testRedis(), "erp", new Map([["DRN-15|*", 9]]));
    await setBelieved(
      testRedis(),
      "shopify",
      new Map([
        ["DRN-15|wh-east", 8],
        ["DRN-15|wh-west", 0],
      ]),
    );
    const sale = reserve("DRN-15", "marketplace:M15:1", 2);
    await enqueueDelivery(testRedis(), "marketplace", null, [sale]);
    await enqueueDelivery(testRedis(), "marketplace", null, [sale]);
    await drainIntake(workerContext(), { consumer: "t15" });
    expect(await readBelieved(testRedis(), "marketplace", ["DRN-15|*"])).toEqual(new Map([["DRN-15|*", 5]]));
    expect(await readBelieved(testRedis(), "shopify", ["DRN-15|wh-east", "DRN-15|*"])).toEqual(new Map([["DRN-15|wh-east", 8]]));
    expect(await readBelieved(testRedis(), "erp", ["DRN-15|*"])).toEqual(new Map([["DRN-15|*", 9]]));

    // A Shopify sale with no location: taken off a guessed location, and the SKU marked for a re-split.
    await enqueueDelivery(testRedis(), "shopify", null, [reserve("DRN-15", "shopify:15001:1", 3)]);
    await drainIntake(workerContext(), { consumer: "t15" });
    expect(await readBelieved(testRedis(), "shopify", ["DRN-15|wh-east"])).toEqual(new Map([["DRN-15|wh-east", 5]]));
    expect(await takeResplit(testRedis(), "shopify", ["DRN-15"])).toEqual(["DRN-15"]);
    // At a named location: no re-split.
    await enqueueDelivery(testRedis(), "shopify", null, [reserve("DRN-15", "shopify:15002:1", 1, "wh-east")]);
    await drainIntake(workerContext(), { consumer: "t15" });
    expect(await readBelieved(testRedis(), "shopify", ["DRN-15|wh-east"])).toEqual(new Map([["DRN-15|wh-east", 4]]));
    expect(await takeResplit(testRedis(), "shopify", ["DRN-15"])).toEqual([]);
  });
});

describe("Shopify's routing guess for a sale that names no location", () => {
  it("the first location (in priority order) that we believe could serve the units", async () => {
    withChannels();
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-19", 10), receipt("DRN-19", 10, "wh-west")]);
    await drainIntake(workerContext(), { consumer: "t19" });
    await setBelieved(
      testRedis(),
      "shopify",
      new Map([
        ["DRN-19|wh-east", 1],
        ["DRN-19|wh-west", 6],
      ]),
    );
    await enqueueDelivery(testRedis(), "shopify", null, [reserve("DRN-19", "shopify:19001:1", 3)]);
    await drainIntake(workerContext(), { consumer: "t19" });
    expect(await readBelieved(testRedis(), "shopify", ["DRN-19|wh-east", "DRN-19|wh-west"])).toEqual(
      new Map([
        ["DRN-19|wh-east", 1],
        ["DRN-19|wh-west", 3],
      ]),
    );
  });
});

describe("drainSoon", () => {
  it("one drain per process at a time; onApplied is called per batch; the next call starts afresh", async () => {
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-16", 1)]);
    let applied = 0;
    const first = drainSoon(workerContext(), () => applied++);
    expect(drainSoon(workerContext())).toBe(first);
    expect(await first).toMatchObject({ deliveries: 1, events: 1, applied: 1, duplicates: 0 });
    expect((await first).ms).toBeGreaterThanOrEqual(0);
    expect(applied).toBe(1);
    const again = receipt("DRN-16", 1);
    await enqueueDelivery(testRedis(), "wms", null, [again, again]);
    const second = drainSoon(workerContext());
    expect(second).not.toBe(first);
    expect(await second).toMatchObject({ deliveries: 1, events: 2, applied: 1, duplicates: 1 });
  });

  it("a drain that fails is logged and rejects; the next one runs", async () => {
    const down = createRedis(`http://127.0.0.1:${await freePort()}`, "no-token");
    await expect(drainSoon(workerContext({ redis: down }))).rejects.toThrow();
    expect(eventsNamed(logs, "drain.failed")).toEqual([expect.objectContaining({ level: "error", error: expect.any(String) })]);
    await enqueueDelivery(testRedis(), "wms", null, [receipt("DRN-17", 1)]);
    expect(await drainSoon(workerContext())).toMatchObject({ deliveries: 1 });
  });
});
