import { describe, expect, it } from "vitest";
import { stockEventSchema, type StockEvent } from "@/lib/domain/events";
import { applyAll, applyEvent, channelHeld, countIsNewer, emptySkuState, onHandDelta, outstanding, timeOf, type OrderLine } from "@/lib/domain/projection";

/**
 * Boundary cases of the projection, each value worked out by hand from the rules in
 * lib/domain/projection.ts (counts subsume movements at or before them, lines keep sums,
 * the greatest reserve id places a line). Written to kill mutants the property tests let live.
 */
const SKU = "TEE-BLK-M";
const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, s)).toISOString();
const wms = (id: string, kind: string, quantity: number, s: number, extra: object = {}): StockEvent =>
  stockEventSchema.parse({ id, kind, sku: SKU, locationId: "wh-east", quantity, occurredAt: at(s), source: "wms", sourceUri: `wms://events/${id}`, ...extra });
const order = (id: string, kind: string, s: number, extra: object, lineKey = "shopify:1:1"): StockEvent =>
  stockEventSchema.parse({ id, kind, sku: SKU, occurredAt: at(s), source: "shopify", sourceUri: "shopify://orders/1", channel: "shopify", lineKey, ...extra });
const line = (o: Partial<OrderLine>): OrderLine => ({
  reserved: 0,
  released: 0,
  kept: 0,
  picked: 0,
  cancelled: false,
  cancelRestocks: true,
  locationId: null,
  locationBy: null,
  ...o,
});

describe("projection edges: on-hand", () => {
  it("signs each kind's on-hand change; order events move nothing", () => {
    expect(onHandDelta(wms("a", "receipt", 4, 1))).toBe(4);
    expect(onHandDelta(wms("b", "return", 3, 1))).toBe(3);
    expect(onHandDelta(wms("c", "adjustment", -2, 1))).toBe(-2);
    expect(onHandDelta(wms("d", "pick", 5, 1))).toBe(-5);
    expect(onHandDelta(wms("e", "short_pick", 6, 1))).toBe(-6);
    expect(onHandDelta(wms("f", "cycle_count", 7, 1))).toBeNull();
    expect(onHandDelta(order("g", "reserve", 1, { quantity: 1 }))).toBeNull();
    expect(onHandDelta(order("h", "release", 1, { quantity: 1 }))).toBeNull();
    expect(onHandDelta(order("i", "cancel_line", 1, {}))).toBeNull();
  });

  it("a movement is applied and remembered as the location's only movement", () => {
    const result = applyEvent(emptySkuState(), wms("r", "receipt", 3, 1));
    expect(result.effect).toBe("applied");
    expect(result.state.movements).toEqual({ "wh-east": [{ id: "r", at: timeOf(at(1)), delta: 3 }] });
  });

  it("a return puts units back on the shelf", () => {
    expect(applyAll(emptySkuState(), [wms("r", "receipt", 2, 1), wms("ret", "return", 3, 2)]).projection.onHand).toEqual({ "wh-east": 5 });
  });

  it("a movement at the count's instant that arrives first is still inside the count", () => {
    const state = applyAll(emptySkuState(), [wms("r", "receipt", 3, 5), wms("cc", "cycle_count", 7, 5)]);
    expect(state.projection.onHand).toEqual({ "wh-east": 7 });
    expect(state.movements["wh-east"]).toEqual([]);
  });

  it("a count keeps only the movements after it; a later count drops those it now covers", () => {
    const events = [wms("r1", "receipt", 10, 1), wms("r2", "receipt", 4, 6), wms("cc1", "cycle_count", 7, 5)];
    const first = applyAll(emptySkuState(), events);
    expect(first.projection.onHand["wh-east"]).toBe(11);
    expect(first.movements["wh-east"]).toEqual([{ id: "r2", at: timeOf(at(6)), delta: 4 }]);
    const second = applyEvent(first, wms("cc2", "cycle_count", 2, 8));
    expect(second.effect).toBe("applied");
    expect(second.state.projection.onHand["wh-east"]).toBe(2);
    expect(second.state.counts["wh-east"]).toEqual({ at: timeOf(at(8)), id: "cc2", qty: 2 });
    const late = applyEvent(second.state, wms("r3", "receipt", 9, 7));
    expect(late.effect).toBe("subsumed");
    expect(late.state.projection.onHand["wh-east"]).toBe(2);
    expect(applyEvent(late.state, wms("r4", "receipt", 1, 9)).state.projection.onHand["wh-east"]).toBe(3);
  });

  it("counts at the same instant: the greater id wins, the smaller is stale", () => {
    const base = applyAll(emptySkuState(), [wms("cc-b", "cycle_count", 5, 5)]);
    const bigger = applyEvent(base, wms("cc-c", "cycle_count", 3, 5));
    expect(bigger.effect).toBe("applied");
    expect(bigger.state.projection.onHand["wh-east"]).toBe(3);
    const smaller = applyEvent(base, wms("cc-a", "cycle_count", 9, 5));
    expect(smaller).toMatchObject({ effect: "stale_count", lineDelta: 0 });
    expect(smaller.state.counts).toEqual(base.counts);
    expect(smaller.state.projection).toEqual(base.projection);
  });

  it("counts and movements stay per location", () => {
    const west = (id: string, kind: string, q: number, s: number) => wms(id, kind, q, s, { locationId: "wh-west" });
    const state = applyAll(emptySkuState(), [wms("cc", "cycle_count", 4, 5), west("w1", "receipt", 2, 1), wms("e1", "receipt", 1, 1)]);
    expect(state.projection.onHand).toEqual({ "wh-east": 4, "wh-west": 2 });
  });

  it("orders of strict count recency: later time, else greater id", () => {
    expect(countIsNewer({ at: 1, id: "a" }, undefined)).toBe(true);
    expect(countIsNewer({ at: 2, id: "a" }, { at: 1, id: "z" })).toBe(true);
    expect(countIsNewer({ at: 1, id: "z" }, { at: 2, id: "a" })).toBe(false);
    expect(countIsNewer({ at: 1, id: "b" }, { at: 1, id: "a" })).toBe(true);
    expect(countIsNewer({ at: 1, id: "a" }, { at: 1, id: "b" })).toBe(false);
    expect(countIsNewer({ at: 1, id: "a" }, { at: 1, id: "a" })).toBe(false);
  });
});

describe("projection edges: order lines", () => {
  it("outstanding = reserved − released − picked, never below zero, zero once cancelled", () => {
    expect(outstanding(line({ reserved: 5, released: 1, picked: 2 }))).toBe(2);
    expect(outstanding(line({ reserved: 5, released: 4, picked: 3 }))).toBe(0);
    expect(outstanding(line({ reserved: 5, released: 1, picked: 2, cancelled: true }))).toBe(0);
  });

  it("what the channel holds: the unreleased units; after a cancel only the picked ones", () => {
    expect(channelHeld(line({ reserved: 5, released: 1, picked: 2 }))).toBe(4);
    expect(channelHeld(line({ reserved: 5, released: 1, picked: 2, cancelled: true }))).toBe(2);
    expect(channelHeld(line({ reserved: 5, released: 1, picked: 6, cancelled: true }))).toBe(4);
    expect(channelHeld(line({ reserved: 2, released: 3 }))).toBe(0);
    expect(channelHeld(line({ reserved: 2, released: 3, picked: 1, cancelled: true }))).toBe(0);
    // Refunded without restock: the channel keeps the unit off its count, also through a cancellation.
    expect(channelHeld(line({ reserved: 2, released: 1, kept: 1 }))).toBe(2);
    expect(channelHeld(line({ reserved: 3, released: 2, kept: 1 }))).toBe(2);
    expect(channelHeld(line({ reserved: 3, released: 1, kept: 1, cancelled: true }))).toBe(1);
    expect(channelHeld(line({ reserved: 3, released: 1, kept: 1, picked: 1, cancelled: true }))).toBe(2);
  });

  it("a reserve with a location touches no on-hand, even before a later count", () => {
    const counted = applyAll(emptySkuState(), [wms("cc", "cycle_count", 5, 10)]);
    const result = applyEvent(counted, order("res", "reserve", 1, { quantity: 2, locationId: "wh-east" }));
    expect(result.effect).toBe("applied");
    expect(result.lineDelta).toBe(2);
    expect(result.state.projection).toEqual({ onHand: { "wh-east": 5 }, reserved: { "wh-east": 2 }, unassigned: 0 });
    expect(result.state.movements["wh-east"]).toEqual([]);
    expect(applyEvent(emptySkuState(), order("res", "reserve", 1, { quantity: 2, locationId: "wh-east" })).state.projection.onHand).toEqual({});
  });

  it("the greatest reserve id places the line, in either delivery order; a reserve without location does not move it", () => {
    const a = order("res-a", "reserve", 1, { quantity: 2, locationId: "wh-east" });
    const b = order("res-b", "reserve", 2, { quantity: 3, locationId: "wh-west" });
    const c = order("res-c", "reserve", 3, { quantity: 1 });
    for (const events of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ]) {
      const state = applyAll(emptySkuState(), events);
      expect(state.lines["shopify:1:1"]).toMatchObject({ reserved: 6, locationId: "wh-west", locationBy: "res-b" });
      expect(state.projection.reserved).toMatchObject({ "wh-west": 6 });
      expect(state.projection.reserved["wh-east"] ?? 0).toBe(0);
      expect(state.projection.unassigned).toBe(0);
    }
  });

  it("a reserve of zero units at a location leaves no reservation entry behind", () => {
    const state = applyAll(emptySkuState(), [order("res", "reserve", 1, { quantity: 0, locationId: "wh-east" })]);
    expect(state.projection).toEqual({ onHand: {}, reserved: {}, unassigned: 0 });
  });

  it("an unassigned reservation moves to its location when a reserve places the line", () => {
    const first = applyAll(emptySkuState(), [order("res-a", "reserve", 1, { quantity: 2 })]);
    expect(first.projection).toEqual({ onHand: {}, reserved: {}, unassigned: 2 });
    const placed = applyEvent(first, order("res-b", "reserve", 2, { quantity: 1, locationId: "wh-east" })).state;
    expect(placed.projection).toEqual({ onHand: {}, reserved: { "wh-east": 3 }, unassigned: 0 });
  });

  it("line deltas: a release gives back what it releases, a pick of an open line changes nothing the channel holds", () => {
    const reserved = applyEvent(emptySkuState(), order("res", "reserve", 1, { quantity: 3, locationId: "wh-east" }));
    const released = applyEvent(reserved.state, order("rel", "release", 2, { quantity: 1 }));
    expect(released.lineDelta).toBe(-1);
    expect(released.state.projection.reserved["wh-east"]).toBe(2);
    const picked = applyEvent(released.state, wms("p", "pick", 2, 3, { lineKey: "shopify:1:1" }));
    expect(picked.lineDelta).toBe(0);
    expect(picked.state.projection).toEqual({ onHand: { "wh-east": -2 }, reserved: { "wh-east": 0 }, unassigned: 0 });
    expect(picked.state.lines["shopify:1:1"]).toMatchObject({ reserved: 3, released: 1, picked: 2 });
  });

  it("a refund without restock releases the reservation but not the channel's own count, whichever arrives first", () => {
    // Shopify took 2 off at checkout and puts nothing back for a NO_RESTOCK refund: the line's
    // held amount stays 2 in both delivery orders (once it read 1 when the refund came first).
    const reserve = order("res", "reserve", 1, { quantity: 2 });
    const refund = order("ref", "release", 2, { quantity: 1, restocked: false });
    const orderFirst = [applyEvent(emptySkuState(), reserve)];
    orderFirst.push(applyEvent(orderFirst[0]!.state, refund));
    const refundFirst = [applyEvent(emptySkuState(), refund)];
    refundFirst.push(applyEvent(refundFirst[0]!.state, reserve));
    expect(orderFirst.map((r) => r.lineDelta)).toEqual([2, 0]);
    expect(refundFirst.map((r) => r.lineDelta)).toEqual([0, 2]);
    for (const run of [orderFirst, refundFirst]) {
      expect(run[1]!.state.projection.unassigned).toBe(1);
      expect(run[1]!.state.lines["shopify:1:1"]).toMatchObject({ reserved: 2, released: 1, kept: 1 });
    }
    // A restocked refund does put its unit back.
    const restocked = applyEvent(orderFirst[0]!.state, order("ref2", "release", 2, { quantity: 1 }));
    expect(restocked.lineDelta).toBe(-1);
  });

  it("a pick without a line and a short pick touch no line", () => {
    const state = applyAll(emptySkuState(), [wms("p", "pick", 1, 1), wms("sp", "short_pick", 1, 2, { lineKey: "shopify:9:9" })]);
    expect(state.lines).toEqual({});
    expect(state.projection).toEqual({ onHand: { "wh-east": -2 }, reserved: {}, unassigned: 0 });
  });

  it("lines of different orders add up in one location", () => {
    const state = applyAll(emptySkuState(), [
      order("r1", "reserve", 1, { quantity: 2, locationId: "wh-east" }, "shopify:1:1"),
      order("r2", "reserve", 1, { quantity: 3, locationId: "wh-east" }, "shopify:2:1"),
      order("c1", "cancel_line", 2, {}, "shopify:1:1"),
    ]);
    expect(state.projection.reserved).toEqual({ "wh-east": 3 });
  });

  it("a cancellation without restock keeps the units off the channel's count, in any delivery order of cancel and refund", () => {
    const held = (events: StockEvent[]) => {
      let state = emptySkuState();
      let total = 0;
      for (const e of events) {
        const r = applyEvent(state, e);
        state = r.state;
        total += r.lineDelta;
      }
      return { total, reserved: state.projection.reserved["wh-east"] ?? 0 };
    };
    const sale = order("r", "reserve", 1, { quantity: 2, locationId: "wh-east" });
    const cancel = order("c", "cancel_line", 2, { restocked: false });
    const noRestock = order("x", "release", 2, { quantity: 2, restocked: false });
    const restock = order("y", "release", 2, { quantity: 2 });
    for (const events of [
      [sale, cancel, noRestock],
      [sale, noRestock, cancel],
      [cancel, noRestock, sale],
      [noRestock, sale, cancel],
    ])
      expect(held(events)).toEqual({ total: 2, reserved: 0 });
    for (const events of [
      [sale, cancel, restock],
      [restock, cancel, sale],
      [cancel, sale, restock],
    ])
      expect(held(events).total).toBe(0);
    // Its refund not heard of (yet): nothing is assumed restocked.
    expect(held([sale, cancel]).total).toBe(2);
    expect(held([cancel, sale]).total).toBe(2);
  });

  it("a channel restock moves neither on-hand nor the line's reservation", () => {
    const sale = order("r", "reserve", 1, { quantity: 2, locationId: "wh-east" });
    const before = applyAll(emptySkuState(), [sale]);
    const after = applyEvent(before, order("ret", "channel_restock", 3, { quantity: 1, locationId: "wh-east" }));
    expect(after.state.projection).toEqual(before.projection);
    expect(after.state.lines).toEqual(before.lines);
    expect(after).toMatchObject({ effect: "applied", lineDelta: 0 });
  });

  it("a duplicate changes nothing and returns the very same state", () => {
    const state = applyAll(emptySkuState(), [order("res", "reserve", 1, { quantity: 3 })]);
    const again = applyEvent(state, order("res", "reserve", 1, { quantity: 3 }));
    expect(again).toEqual({ state, effect: "duplicate", lineDelta: 0 });
    expect(again.state).toBe(state);
  });

  it("remembers every applied id and starts from nothing", () => {
    expect(emptySkuState()).toEqual({ applied: new Set(), counts: {}, movements: {}, lines: {}, projection: { onHand: {}, reserved: {}, unassigned: 0 } });
    const state = applyAll(emptySkuState(), [wms("a", "receipt", 1, 1), wms("b", "receipt", 1, 2)]);
    expect([...state.applied]).toEqual(["a", "b"]);
  });
});
