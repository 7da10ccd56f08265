import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stockEventSchema, type StockEvent } from "@/lib/domain/events";
import { applyAll, applyEvent, channelHeld, emptySkuState, outstanding } from "@/lib/domain/projection";
import { availableToSell } from "@/lib/domain/available";
import {
  bySku,
  deliveryArbitrary,
  firstDeliveries,
  hasConflictingCopies,
  historyArbitrary,
  historyTraits,
  LOCATIONS,
  normalizeProjection,
} from "../../support/event-arbitraries";

const SKU = "TEE-BLK-M";
const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, s)).toISOString();
const wms = (id: string, kind: string, quantity: number, s: number, extra: object = {}): StockEvent =>
  stockEventSchema.parse({ id, kind, sku: SKU, locationId: "wh-east", quantity, occurredAt: at(s), source: "wms", sourceUri: `wms://events/${id}`, ...extra });
const order = (id: string, kind: string, s: number, extra: object): StockEvent =>
  stockEventSchema.parse({
    id,
    kind,
    sku: SKU,
    occurredAt: at(s),
    source: "shopify",
    sourceUri: "shopify://orders/1",
    channel: "shopify",
    lineKey: "shopify:1:1",
    ...extra,
  });
const project = (events: StockEvent[]) => normalizeProjection(applyAll(emptySkuState(), events).projection);

describe("projection: worked examples", () => {
  it("receipt, pick and adjustment move on-hand", () => {
    expect(project([wms("a", "receipt", 10, 1), wms("b", "pick", 3, 2), wms("c", "adjustment", -2, 3)]).onHand).toEqual({ "wh-east": 5 });
  });

  it("a cycle count is absolute as of its time; later movements apply on top, earlier ones are subsumed", () => {
    const events = [wms("r1", "receipt", 10, 1), wms("cc", "cycle_count", 7, 5), wms("r2", "receipt", 4, 9), wms("late", "receipt", 100, 3)];
    expect(project(events).onHand).toEqual({ "wh-east": 11 });
    const result = applyEvent(applyAll(emptySkuState(), events.slice(0, 3)), events[3]!);
    expect(result.effect).toBe("subsumed");
  });

  it("a count older than the last applied count is ignored", () => {
    const state = applyAll(emptySkuState(), [wms("new", "cycle_count", 7, 10)]);
    const result = applyEvent(state, wms("old", "cycle_count", 50, 5));
    expect(result.effect).toBe("stale_count");
    expect(result.state.projection.onHand["wh-east"]).toBe(7);
  });

  it("a movement at the very instant of a count is part of the count", () => {
    expect(project([wms("cc", "cycle_count", 7, 5), wms("r", "receipt", 3, 5)]).onHand).toEqual({ "wh-east": 7 });
  });

  it("reserve, pick of that line, and cancel: the reservation never double counts", () => {
    const reserve = order("res", "reserve", 1, { quantity: 3, locationId: "wh-east" });
    const pick = wms("p", "pick", 2, 2, { lineKey: "shopify:1:1" });
    const state = applyAll(emptySkuState(), [wms("r", "receipt", 10, 0), reserve, pick]);
    expect(state.projection).toMatchObject({ onHand: { "wh-east": 8 }, reserved: { "wh-east": 1 } });
    const cancelled = applyEvent(state, order("can", "cancel_line", 3, {})).state;
    expect(cancelled.projection.reserved["wh-east"]).toBe(0);
  });

  it("a cancellation that arrives before its order leaves nothing reserved", () => {
    expect(project([order("can", "cancel_line", 3, {}), order("res", "reserve", 1, { quantity: 3 })]).unassigned).toBe(0);
  });

  it("a refund release lowers the line; releasing more than reserved clamps at zero", () => {
    const state = applyAll(emptySkuState(), [order("res", "reserve", 1, { quantity: 3 }), order("rel", "release", 2, { quantity: 5 })]);
    expect(state.projection.unassigned).toBe(0);
    expect(outstanding(state.lines["shopify:1:1"]!)).toBe(0);
  });

  it("a short pick lowers on-hand and keeps the reservation (the oversell stays visible)", () => {
    const state = applyAll(emptySkuState(), [
      wms("r", "receipt", 1, 0),
      order("res", "reserve", 1, { quantity: 2, locationId: "wh-east" }),
      wms("sp", "short_pick", 1, 2, { lineKey: "shopify:1:1" }),
    ]);
    expect(state.projection).toMatchObject({ onHand: { "wh-east": 0 }, reserved: { "wh-east": 2 } });
  });

  it("a channel's own count for a line: the order webhook after the pick still counts; cancel restocks only what was not picked", () => {
    const pickFirst = applyAll(emptySkuState(), [wms("p", "pick", 1, 1, { lineKey: "shopify:1:1" })]);
    const reserve = applyEvent(pickFirst, order("res", "reserve", 2, { quantity: 3 }));
    expect(reserve.lineDelta).toBe(3);
    expect(applyEvent(reserve.state, order("can", "cancel_line", 3, {})).lineDelta).toBe(-2);
  });

  it("the same event twice is a duplicate", () => {
    const e = wms("a", "receipt", 10, 1);
    const once = applyEvent(emptySkuState(), e).state;
    const twice = applyEvent(once, e);
    expect(twice.effect).toBe("duplicate");
    expect(twice.state.projection).toEqual(once.projection);
  });
});

describe("projection: invariants over random histories", () => {
  // Histories of 50–500 events; each delivered with duplicates, conflicting copies and in any order.
  const deliveries = historyArbitrary(SKU).chain((history) => fc.tuple(fc.constant(history), deliveryArbitrary(history)));
  /** What the delivery must converge to: each id's first delivery, applied once in history order. */
  const settled = (history: StockEvent[], delivery: StockEvent[]) => {
    const first = new Map(firstDeliveries(delivery).map((e) => [e.id, e]));
    return history.map((e) => first.get(e.id)!);
  };

  it("I1 + I2: any delivery (duplicates, conflicting copies, any order) converges to its first deliveries applied once; what a channel holds back telescopes to the same total", () => {
    fc.assert(
      fc.property(deliveries, ([history, delivery]) => {
        // One pass does both checks: applying a 1,000-event delivery is what costs here.
        let state = emptySkuState();
        let held = 0;
        for (const event of delivery) {
          const result = applyEvent(state, event);
          state = result.state;
          held += result.lineDelta;
        }
        const expected = applyAll(emptySkuState(), settled(history, delivery));
        expect(normalizeProjection(state.projection)).toEqual(normalizeProjection(expected.projection));
        expect(held).toBe(Object.values(expected.lines).reduce((acc, line) => acc + channelHeld(line), 0));
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("I1 + I2 over several SKUs in one delivery: each SKU's state converges on its own", () => {
    const skus = ["TEE-BLK-M", "TEE-BLK-L", "MUG-01"];
    fc.assert(
      fc.property(
        historyArbitrary(skus).chain((history) => fc.tuple(fc.constant(history), deliveryArbitrary(history))),
        ([history, delivery]) => {
          const delivered = bySku(delivery);
          for (const [sku, events] of bySku(settled(history, delivery))) expect(project(delivered.get(sku) ?? [])).toEqual(project(events));
        },
      ),
      { numRuns: 40 },
    );
  }, 30_000);

  it("I3: available-to-sell is never negative and never above on-hand, for any buffer", () => {
    fc.assert(
      fc.property(
        historyArbitrary(SKU),
        fc.integer({ min: 0, max: 10 }),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        (history, defaultBuffer, override) => {
          const { projection } = applyAll(emptySkuState(), history);
          const ats = availableToSell(projection, { defaultBuffer, locations: [...LOCATIONS] }, override);
          const clampedOnHand = (loc: string) => Math.max(0, projection.onHand[loc] ?? 0);
          expect(ats.total).toBeGreaterThanOrEqual(0);
          expect(ats.total).toBeLessThanOrEqual(LOCATIONS.reduce((sum, loc) => sum + clampedOnHand(loc), 0));
          for (const loc of LOCATIONS) {
            expect(ats.locations[loc]).toBeGreaterThanOrEqual(0);
            expect(ats.locations[loc]).toBeLessThanOrEqual(clampedOnHand(loc));
            expect(ats.locations[loc]).toBeLessThanOrEqual(ats.total);
          }
          // A location-aware channel sells against the parts: they must never add up to more.
          expect(LOCATIONS.reduce((sum, loc) => sum + (ats.locations[loc] ?? 0), 0)).toBe(ats.total);
        },
      ),
      { numRuns: 60 },
    );
  }, 30_000);
});

describe("the event generator reaches the cases the properties claim", () => {
  // A fixed seed: the shares are a property of the generator, not of a run's luck.
  const sample = fc.sample(
    historyArbitrary(["TEE-BLK-M", "TEE-BLK-L"]).chain((history) => fc.tuple(fc.constant(history), deliveryArbitrary(history))),
    { numRuns: 300, seed: 20261127 },
  );
  const traits = sample.map(([history]) => historyTraits(history));
  const share = (pick: (t: ReturnType<typeof historyTraits>) => boolean) => traits.filter(pick).length / traits.length;

  it("histories hold 50–500 events, spread over the range", () => {
    const sizes = traits.map((t) => t.events).sort((a, b) => a - b);
    expect(sizes[0]).toBeGreaterThanOrEqual(50);
    expect(sizes.at(-1)).toBeLessThanOrEqual(500);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThanOrEqual(150);
    expect(sizes.filter((n) => n >= 400).length).toBeGreaterThanOrEqual(traits.length / 10);
  });

  it("every generated event and every conflicting copy is a valid stock event", () => {
    for (const [history, delivery] of sample.slice(0, 5))
      for (const event of [...history, ...delivery]) expect(stockEventSchema.safeParse(event).success).toBe(true);
  });

  it("store situations are common, not rare", () => {
    expect(share((t) => t.cancelAfterPick)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.partialRelease)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.noRestockRelease)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.restockRelease)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.sameSkuLinesInOneOrder)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.countTiedWithMovement)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.wmsReturn)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.marketplaceReserve && t.posReserve)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.multiSkuDelivery)).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => ["wms", "shopify", "marketplace", "pos"].every((s) => t.sources.has(s)))).toBeGreaterThanOrEqual(0.8);
    expect(share((t) => t.reserveChannelMismatch)).toBe(0);
  });

  it("deliveries repeat, reorder and conflict", () => {
    const conflicting = sample.filter(([, delivery]) => hasConflictingCopies(delivery)).length;
    expect(conflicting / sample.length).toBeGreaterThanOrEqual(0.8);
    const reordered = sample.filter(([history, delivery]) => firstDeliveries(delivery).some((e, i) => e.id !== history[i]?.id)).length;
    expect(reordered).toBe(sample.length);
    expect(sample.every(([history, delivery]) => delivery.length > history.length)).toBe(true);
  });
});
