import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bufferBound, ChannelReplay, phantomSeries, propagation, staleBadges, summarize, TruthTimeline } from "@/scripts/flash-sale/truth";
import { erpSnapshot } from "@/scripts/flash-sale/naive-sync";

describe("TruthTimeline", () => {
  it("replays facts in time order whatever order they are given in; ATS never negative", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 1, max: 1000 }), delta: fc.integer({ min: -3, max: 3 }) }), { maxLength: 40, size: "max" }),
        fc.integer({ min: 0, max: 10 }),
        (facts, start) => {
          const withSku = facts.map((f) => ({ ...f, sku: "A" }));
          const a = new TruthTimeline({ A: start }, withSku, 0);
          const b = new TruthTimeline({ A: start }, [...withSku].reverse(), 0);
          for (const t of [0, 250, 500, 1000]) {
            const expected = start + withSku.filter((f) => f.at <= t).reduce((n, f) => n + f.delta, 0);
            expect(a.level("A", t)).toBe(expected);
            expect(b.level("A", t)).toBe(expected);
            expect(a.ats("A", t)).toBe(Math.max(0, expected));
          }
        },
      ),
    );
  });
});

describe("stale badges and phantom stock", () => {
  const truth = new TruthTimeline({ A: 2 }, [{ at: 10, sku: "A", delta: -2 }], 0);

  it("a badge offering stock after the truth hit zero is stale; one saying sold out is not", () => {
    expect(
      staleBadges(
        [
          { at: 5, sku: "A", shown: 2 },
          { at: 11, sku: "A", shown: 1 },
          { at: 12, sku: "A", shown: 0 },
        ],
        truth,
      ),
    ).toEqual({ reads: 3, staleReads: 1, staleShare: 1 / 3 });
  });

  it("phantom units are what a channel offers beyond the truth, summed over locations", () => {
    const shopify = new ChannelReplay([
      { at: 0, sku: "A", key: "east", value: 1 },
      { at: 0, sku: "A", key: "west", value: 1 },
      { at: 15, sku: "A", key: "east", value: 0 },
    ]);
    const marketplace = new ChannelReplay([{ at: 0, sku: "A", key: "listing", value: 2 }]);
    const series = phantomSeries(truth, { shopify, marketplace }, 0, 20, 4);
    expect(series.map((p) => [p.tMs, p.shopify, p.marketplace])).toEqual([
      [0, 0, 0],
      [5, 0, 0],
      [10, 2, 2],
      [15, 1, 2],
      [20, 1, 2],
    ]);
  });
});

describe("propagation", () => {
  it("measures to the next sync write of that SKU, skipping the channel's own sales", () => {
    const events = [
      { at: 100, sku: "A", source: "marketplace" },
      { at: 150, sku: "A", source: "shopify" },
      { at: 200, sku: "B", source: "wms" },
    ];
    expect(
      propagation(events, "shopify", [
        { at: 90, sku: "A" },
        { at: 130, sku: "A" },
        { at: 400, sku: "A" },
      ]),
    ).toEqual({ delays: [30], unanswered: 1 });
  });
});

describe("bufferBound", () => {
  const sale = (at: number, channel: string, quantity = 1) => ({ at, sku: "A", channel, quantity });

  it("an oversell inside the propagation window beyond the buffer is permitted; one the buffer covered is not", () => {
    // 2 units; marketplace sells 2, Shopify (not knowing yet) sells 1 within the window.
    const sales = [sale(100, "marketplace"), sale(110, "marketplace"), sale(120, "shopify")];
    const shorts = new Map([["A", 1]]);
    expect(
      bufferBound(
        sales,
        { A: 2 },
        [],
        shorts,
        () => 0,
        () => 50,
      ),
    ).toEqual({ permittedUnits: 1, preventableUnits: 0 });
    // A buffer of 2 would have held Shopify at 0: the same oversell was preventable.
    expect(
      bufferBound(
        sales,
        { A: 2 },
        [],
        shorts,
        () => 2,
        () => 50,
      ),
    ).toEqual({ permittedUnits: 0, preventableUnits: 1 });
    // Outside the window Shopify had had time to hear: preventable.
    expect(
      bufferBound(
        sales,
        { A: 2 },
        [],
        shorts,
        () => 0,
        () => 5,
      ),
    ).toEqual({ permittedUnits: 0, preventableUnits: 1 });
  });

  it("permitted units never exceed what was oversold", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 100 }),
            channel: fc.constantFrom("shopify", "marketplace", "pos"),
            quantity: fc.integer({ min: 1, max: 3 }),
          }),
          { maxLength: 60, size: "max" },
        ),
        fc.integer({ min: 0, max: 5 }),
        (raw, short) => {
          const result = bufferBound(
            raw.map((s) => ({ ...s, sku: "A" })),
            { A: 3 },
            [],
            new Map([["A", short]]),
            () => 1,
            () => 30,
          );
          expect(result.permittedUnits + result.preventableUnits).toBe(short);
        },
      ),
    );
  });
});

describe("summaries and the naive ERP snapshot", () => {
  it("percentiles by nearest rank", () => {
    expect(summarize([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
    expect(summarize(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it("the ERP subtracts open orders it routed (unrouted ones from the first stocked location)", () => {
    expect(
      erpSnapshot(
        { A: { east: 0, west: 5 } },
        [
          { sku: "A", quantity: 2 },
          { sku: "A", quantity: 1, locationId: "east" },
          { sku: "B", quantity: 1 },
        ],
        ["A"],
        ["east", "west"],
      ),
    ).toEqual({ A: { east: -1, west: 3 } });
  });
});
