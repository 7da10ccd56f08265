import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { applyAll, channelHeld, emptySkuState } from "@/lib/domain/projection";
import { applyEvents, readSnapshots } from "@/lib/redis/projection-store";
import { deliveryArbitrary, historyArbitrary, normalizeProjection } from "../support/event-arbitraries";
import { testRedis, uniqueSku } from "../support/stack-client";

/**
 * The Lua script against the pure model, on a real redis-server through the real
 * @upstash/redis client and the bridge: random histories, delivered with duplicates and in
 * random order, some concurrently, must give exactly the model's projection (I1, I2, I4).
 */
describe("apply-event Lua script ≡ lib/domain/projection", () => {
  it("matches the pure model for random deliveries", async () => {
    const redis = testRedis();
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => {
          const sku = uniqueSku("PROP");
          return historyArbitrary(sku, 30).chain((history) => fc.tuple(fc.constant(sku), fc.constant(history), deliveryArbitrary(history), fc.integer({ min: 1, max: 8 })));
        }),
        async ([sku, history, delivery, parallel]) => {
          // Deliver in chunks; the events inside a chunk race each other.
          let held = 0;
          for (let i = 0; i < delivery.length; i += parallel) {
            const outcomes = await Promise.all(delivery.slice(i, i + parallel).map((event: StockEvent) => applyEvents(redis, [event])));
            // A repeat reports its first application's delta again: count first applications only.
            held += outcomes.flat().reduce((sum, o) => sum + (o.effect === "duplicate" ? 0 : o.lineDelta), 0);
          }
          const stored = (await readSnapshots(redis, [sku])).get(sku);
          const model = applyAll(emptySkuState(), history);
          expect(normalizeProjection(stored?.projection ?? { onHand: {}, reserved: {}, unassigned: 0 })).toEqual(normalizeProjection(model.projection));
          // The channels' own counts (what own-sale accounting mirrors) match the model too.
          expect(held).toBe(Object.values(model.lines).reduce((sum, line) => sum + channelHeld(line), 0));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reports the effect of each event", async () => {
    const redis = testRedis();
    const sku = uniqueSku("EFF");
    const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 9, 0, s)).toISOString();
    const base = { sku, source: "wms", sourceUri: "test://effects", locationId: "wh-east" } as const;
    const count: StockEvent = { ...base, id: "c1", kind: "cycle_count", quantity: 10, occurredAt: at(10) };
    const late: StockEvent = { ...base, id: "r1", kind: "receipt", quantity: 5, occurredAt: at(5) };
    const old: StockEvent = { ...base, id: "c0", kind: "cycle_count", quantity: 3, occurredAt: at(1) };
    const outcomes = await applyEvents(redis, [count]);
    const [lateOutcome, oldOutcome, again] = [...(await applyEvents(redis, [late])), ...(await applyEvents(redis, [old])), ...(await applyEvents(redis, [count]))];
    expect(outcomes[0]?.effect).toBe("applied");
    expect(lateOutcome?.effect).toBe("subsumed");
    expect(oldOutcome?.effect).toBe("stale_count");
    expect(again?.effect).toBe("duplicate");
    expect(again?.snapshot?.projection.onHand["wh-east"]).toBe(10);

    // A repeated order event reports what its first application did to the line.
    const reserve: StockEvent = { sku, id: "res-1", kind: "reserve", channel: "marketplace", lineKey: "marketplace:M-1:1", quantity: 2, occurredAt: at(20), source: "marketplace", sourceUri: "test://effects" };
    const [first] = await applyEvents(redis, [reserve]);
    const [repeat] = await applyEvents(redis, [reserve]);
    expect(first).toMatchObject({ effect: "applied", lineDelta: 2, lineLocation: null });
    expect(repeat).toMatchObject({ effect: "duplicate", lineDelta: 2, lineLocation: null });
  });
});
