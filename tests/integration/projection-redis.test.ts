import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { applyAll, channelHeld, emptySkuState } from "@/lib/domain/projection";
import { applyEvents, readSnapshots, type ApplyOutcome } from "@/lib/redis/projection-store";
import { bySku, deliveryArbitrary, historyArbitrary, normalizeProjection } from "../support/event-arbitraries";
import { startOwnRedis, type OwnRedis } from "../support/own-redis";

// Each lane below is a client of the real @upstash/redis on connections of its own, as separate
// app instances would be, against this file's own redis-server and bridge.
let own: OwnRedis | undefined;
beforeAll(async () => {
  own = await startOwnRedis("projection-redis");
}, 60_000);
afterAll(async () => own?.stop());
const testRedis = () => own!.client();
let skuSeq = 0;
const uniqueSku = (prefix: string) => `${prefix}-${++skuSeq}-${Math.random().toString(36).slice(2, 7)}`.toUpperCase();

/**
 * The Lua script against the pure model, on a real redis-server through the real
 * @upstash/redis client and the bridge: random multi-SKU histories, delivered with duplicates,
 * conflicting copies and in random order by several clients at once, must give exactly the
 * model's projection (I1, I2, I4).
 *
 * Concurrency is real: each lane is its own client, so each lane's call (1–4 events, often of
 * several SKUs) is its own HTTP request on its own keep-alive connection, and the lanes' requests
 * are in flight at the same time (within a call the client pipelines, as the drain does). That
 * they interleave at Redis is shown, not assumed: a SKU's version counts its applications
 * (one per non-duplicate), so a lane whose next call on a SKU sees the version jump by more
 * than its own calls account for was overtaken by another lane in between.
 */
const LANES = 8;
const RUNS = 20;
const MIN_EVENTS = 10_000;

describe("apply-event Lua script ≡ lib/domain/projection", () => {
  it("matches the pure model for random deliveries from concurrent clients", async () => {
    const lanes = Array.from({ length: LANES }, testRedis);
    const redis = testRedis();
    let applications = 0;
    let overtaken = 0;
    let runsInterleaved = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => {
          const skus = [uniqueSku("PROP-A"), uniqueSku("PROP-B"), uniqueSku("PROP-C")];
          return historyArbitrary(skus, { minEvents: 250, maxEvents: 400 }).chain((history) =>
            fc.tuple(fc.constant(skus), fc.constant(history), deliveryArbitrary(history)),
          );
        }),
        async ([skus, history, delivery]) => {
          // Lane i takes every LANES-th event, in calls of 1–4 events (several SKUs in one call).
          const laneEvents = lanes.map((_, i) => delivery.filter((_, j) => j % LANES === i));
          const perLane = await Promise.all(
            lanes.map(async (client, i) => {
              const calls: ApplyOutcome[][] = [];
              const mine = laneEvents[i]!;
              for (let j = 0, size = 1; j < mine.length; j += size, size = (size % 4) + 1) calls.push(await applyEvents(client, mine.slice(j, j + size)));
              return calls;
            }),
          );
          const outcomes = perLane.flat(2);
          applications += outcomes.length;
          expect(outcomes.length).toBe(delivery.length);

          // Exactly one application per effect id; whichever copy got there first is the fact.
          const winners = new Map<string, StockEvent>();
          for (const o of outcomes) {
            if (o.effect === "duplicate") continue;
            expect(winners.has(o.event.id)).toBe(false);
            winners.set(o.event.id, o.event);
          }
          expect(winners.size).toBe(history.length);

          // I4: each application saw the SKU at a distinct version: 1, 2, … with nothing lost.
          for (const sku of skus) {
            const versions = outcomes.filter((o) => o.event.sku === sku && o.effect !== "duplicate").map((o) => o.snapshot?.version ?? -1);
            expect(versions.sort((a, b) => a - b)).toEqual(versions.map((_, k) => k + 1));
          }

          const stored = await readSnapshots(redis, skus);
          let modelHeld = 0;
          for (const [sku, events] of bySku(history.map((e) => winners.get(e.id)!))) {
            const model = applyAll(emptySkuState(), events);
            expect(normalizeProjection(stored.get(sku)?.projection ?? { onHand: {}, reserved: {}, unassigned: 0 })).toEqual(
              normalizeProjection(model.projection),
            );
            modelHeld += Object.values(model.lines).reduce((sum, line) => sum + channelHeld(line), 0);
          }
          // The channels' own counts (what own-sale accounting mirrors) match the model too.
          // A repeat reports its first application's delta again: count first applications only.
          expect(outcomes.reduce((sum, o) => sum + (o.effect === "duplicate" ? 0 : o.lineDelta), 0)).toBe(modelHeld);

          // Overtaking: between two sequential calls of one lane, another lane applied on the same SKU.
          const before = overtaken;
          for (const calls of perLane) {
            const last = new Map<string, number>();
            for (const call of calls) {
              const applied = call.filter((o) => o.effect !== "duplicate" && o.snapshot);
              for (const sku of new Set(applied.map((o) => o.event.sku))) {
                const mine = applied.filter((o) => o.event.sku === sku);
                const highest = Math.max(...mine.map((o) => o.snapshot!.version));
                const previous = last.get(sku);
                if (previous !== undefined && highest - previous > mine.length) overtaken++;
                last.set(sku, highest);
              }
            }
          }
          if (overtaken > before) runsInterleaved++;
        },
      ),
      // No shrinking: each step would replay a whole concurrent run; the first counterexample is reported as is.
      { numRuns: RUNS, endOnFailure: true },
    );
    // The property covered what it claims: ≥ 10,000 script applications, and lanes that really overlapped.
    expect(applications).toBeGreaterThanOrEqual(MIN_EVENTS);
    expect(runsInterleaved).toBe(RUNS);
  }, 300_000);

  it("reports the effect of each event", async () => {
    const redis = testRedis();
    const sku = uniqueSku("EFF");
    const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 9, 0, s)).toISOString();
    const base = { sku, source: "wms", sourceUri: "test://effects", locationId: "wh-east" } as const;
    const count: StockEvent = { ...base, id: "c1", kind: "cycle_count", quantity: 10, occurredAt: at(10) };
    const late: StockEvent = { ...base, id: "r1", kind: "receipt", quantity: 5, occurredAt: at(5) };
    const old: StockEvent = { ...base, id: "c0", kind: "cycle_count", quantity: 3, occurredAt: at(1) };
    const outcomes = await applyEvents(redis, [count]);
    const [lateOutcome, oldOutcome, again] = [
      ...(await applyEvents(redis, [late])),
      ...(await applyEvents(redis, [old])),
      ...(await applyEvents(redis, [count])),
    ];
    expect(outcomes[0]?.effect).toBe("applied");
    expect(lateOutcome?.effect).toBe("subsumed");
    expect(oldOutcome?.effect).toBe("stale_count");
    expect(again?.effect).toBe("duplicate");
    expect(again?.snapshot?.projection.onHand["wh-east"]).toBe(10);

    // A repeated order event reports what its first application did to the line.
    const reserve: StockEvent = {
      sku,
      id: "res-1",
      kind: "reserve",
      channel: "marketplace",
      lineKey: "marketplace:M-1:1",
      quantity: 2,
      occurredAt: at(20),
      source: "marketplace",
      sourceUri: "test://effects",
    };
    const [first] = await applyEvents(redis, [reserve]);
    const [repeat] = await applyEvents(redis, [reserve]);
    expect(first).toMatchObject({ effect: "applied", lineDelta: 2, lineLocation: null });
    expect(repeat).toMatchObject({ effect: "duplicate", lineDelta: 2, lineLocation: null });
  });
});
