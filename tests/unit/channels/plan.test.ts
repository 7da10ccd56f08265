import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policySchema, type Policy } from "@/lib/config/policy";
import { batchKey, desiredTargets, planItems, toBatches, unknownTargets } from "@/lib/channels/plan";
import { ownSaleAdjustment, resplitBeliefs } from "@/lib/channels/own-sales";
import { deltaOf, targetKey, type WriteItem } from "@/lib/domain/channel-targets";
import type { SkuSnapshot } from "@/lib/domain/projection";
import type { StockEvent } from "@/lib/domain/events";

const policy: Policy = policySchema.parse({
  version: 1,
  channels: {
    shopify: { enabled: true, defaultBuffer: 2, locations: ["wh-east", "wh-west"], locationAware: true },
    marketplace: { enabled: true, defaultBuffer: 3, locations: ["wh-east", "wh-west"], locationAware: false },
  },
  locations: { "wh-east": { name: "E", pickup: true }, "wh-west": { name: "W", pickup: false } },
  lowStockThreshold: 5,
  storefront: { channel: "shopify", refreshMs: 3000 },
  drift: { threshold: 3, autoCorrectLimit: 25 },
  escalation: { orderValueCents: 50000 },
});
const snap = (east: number, west: number, version = 1, unassigned = 0): SkuSnapshot => ({
  projection: { onHand: { "wh-east": east, "wh-west": west }, reserved: {}, unassigned },
  buffers: {},
  version,
  updatedAt: 0,
});

describe("planning channel writes", () => {
  it("location-aware channels get one target per location, others one summed target", () => {
    expect(desiredTargets(snap(10, 5), "shopify", policy.channels.shopify!)).toEqual(
      new Map([
        ["wh-east", 8],
        ["wh-west", 3],
      ]),
    );
    expect(desiredTargets(snap(10, 5), "marketplace", policy.channels.marketplace!)).toEqual(new Map([["*", 7 + 2]]));
  });

  it("writes desired − believed, skips targets already right and targets never read", () => {
    const believed = new Map([
      [targetKey("A", "wh-east"), 5],
      [targetKey("A", "wh-west"), 3],
    ]);
    const items = planItems({
      channel: "shopify",
      policy: policy.channels.shopify!,
      snapshots: new Map([
        ["A", snap(10, 5, 7)],
        ["B", snap(1, 1)],
      ]),
      believed,
    });
    expect(items).toEqual([{ sku: "A", location: "wh-east", from: 5, to: 8, version: 7 }]);
    expect(unknownTargets({ channel: "shopify", policy: policy.channels.shopify!, skus: ["A", "B"], believed })).toEqual([
      { sku: "B", location: "wh-east" },
      { sku: "B", location: "wh-west" },
    ]);
  });

  // Coalescing itself (many events → one dirty mark → one write) happens in the Redis dirty set:
  // tests/integration/dirty-coalescing.test.ts. Here: planning gives one item per target, to the desired value.
  it("plans at most one item per target, each from the belief to the desired value", () => {
    const skus = fc.uniqueArray(fc.stringMatching(/^[A-Z]{1,4}$/), { minLength: 1, maxLength: 60, size: "max" });
    fc.assert(
      fc.property(
        skus.chain((list) =>
          fc.tuple(
            fc.constant(list),
            fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 99 })), {
              minLength: list.length,
              maxLength: list.length,
            }),
            fc.array(fc.option(fc.integer({ min: -5, max: 60 }), { nil: undefined }), { minLength: list.length * 2, maxLength: list.length * 2 }),
          ),
        ),
        ([list, states, beliefs]) => {
          const snapshots = new Map(list.map((sku, i) => [sku, snap(states[i]![0], states[i]![1], states[i]![2])]));
          const believed = new Map<string, number>();
          list.forEach((sku, i) =>
            ["wh-east", "wh-west"].forEach((loc, j) => beliefs[i * 2 + j] !== undefined && believed.set(targetKey(sku, loc), beliefs[i * 2 + j]!)),
          );
          const items = planItems({ channel: "shopify", policy: policy.channels.shopify!, snapshots, believed });
          expect(new Set(items.map((i) => targetKey(i.sku, i.location))).size).toBe(items.length);
          const expected = list.flatMap((sku, i) =>
            (["wh-east", "wh-west"] as const).flatMap((loc, j) => {
              const from = beliefs[i * 2 + j];
              const to = Math.max(0, states[i]![j]! - 2);
              return from === undefined || from === to ? [] : [{ sku, location: loc, from, to, version: states[i]![2] }];
            }),
          );
          expect(items).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("batches at most maxBatch items, each with a deterministic key that changes with the version", () => {
    const items: WriteItem[] = Array.from({ length: 600 }, (_, i) => ({ sku: `S${i}`, location: "*", from: 0, to: i + 1, version: 1 }));
    const batches = toBatches("shopify", items, 250);
    expect(batches.map((b) => b.items.length)).toEqual([250, 250, 100]);
    expect(toBatches("shopify", items, 250).map((b) => b.key)).toEqual(batches.map((b) => b.key));
    const bumped = items.map((i) => ({ ...i, version: 2 }));
    expect(toBatches("shopify", bumped, 250)[0]!.key).not.toBe(batches[0]!.key);
    expect(batchKey("shopify", items.slice(0, 3))).not.toBe(batchKey("marketplace", items.slice(0, 3)));
    expect(batches[0]!.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(batches.flatMap((b) => b.items).every((i) => deltaOf(i) !== 0)).toBe(true);
  });
});

describe("a channel's own sales", () => {
  const reserve = (channel: "shopify" | "marketplace", quantity: number): StockEvent => ({
    id: "r",
    kind: "reserve",
    sku: "A",
    channel,
    lineKey: `${channel}:1:1`,
    quantity,
    occurredAt: "2026-11-27T10:00:00Z",
    source: channel,
    sourceUri: "x",
  });

  it("a location-aware channel's sale at a known location moves that belief; at an unknown one, its routing is guessed and the split re-read before the next write", () => {
    const believed = new Map([
      [targetKey("A", "wh-east"), 1],
      [targetKey("A", "wh-west"), 6],
    ]);
    expect(
      ownSaleAdjustment({ event: reserve("shopify", 2), effect: "applied", lineDelta: 2, lineLocation: "wh-east" }, policy, (_c, t) => believed.get(t)),
    ).toEqual({ eventId: "r", channel: "shopify", target: targetKey("A", "wh-east"), delta: -2, resplit: false });
    expect(
      ownSaleAdjustment({ event: reserve("shopify", 2), effect: "applied", lineDelta: 2, lineLocation: null }, policy, (_c, t) => believed.get(t)),
    ).toEqual({ eventId: "r", channel: "shopify", target: targetKey("A", "wh-west"), delta: -2, resplit: true });
  });

  it("a re-split keeps our total and puts every unheard-of unit on each location (only ever under-reporting)", () => {
    const t = (l: string) => targetKey("A", l);
    // We believe 5 + 5; Shopify really has 1 + 6 (3 units sold we have not heard of, and our guess put a sale at the wrong place).
    expect(
      resplitBeliefs(
        new Map([
          [t("e"), 5],
          [t("w"), 5],
        ]),
        new Map([
          [t("e"), 1],
          [t("w"), 6],
        ]),
      ),
    ).toEqual(
      new Map([
        [t("e"), 4],
        [t("w"), 9],
      ]),
    );
    // Nothing unheard: beliefs become the real numbers.
    expect(
      resplitBeliefs(
        new Map([
          [t("e"), 3],
          [t("w"), 4],
        ]),
        new Map([
          [t("e"), 5],
          [t("w"), 2],
        ]),
      ),
    ).toEqual(
      new Map([
        [t("e"), 5],
        [t("w"), 2],
      ]),
    );
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: -5, max: 20 }), fc.integer({ min: -5, max: 20 })),
        fc.tuple(fc.integer({ min: -5, max: 20 }), fc.integer({ min: -5, max: 20 })),
        ([be, bw], [ae, aw]) => {
          const split = resplitBeliefs(
            new Map([
              [t("e"), be],
              [t("w"), bw],
            ]),
            new Map([
              [t("e"), ae],
              [t("w"), aw],
            ]),
          );
          // Each location gets the same extra: every unit we believe in but the channel does not show, no more, no less.
          const unheard = Math.max(0, be + bw - (ae + aw));
          expect(split.get(t("e"))! - ae).toBe(unheard);
          expect(split.get(t("w"))! - aw).toBe(unheard);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a refund that did not restock moves no belief", () => {
    const release: StockEvent = {
      id: "x",
      kind: "release",
      sku: "A",
      channel: "shopify",
      lineKey: "shopify:1:1",
      quantity: 1,
      restocked: false,
      occurredAt: "2026-11-27T10:00:00Z",
      source: "shopify",
      sourceUri: "x",
    };
    expect(ownSaleAdjustment({ event: release, effect: "applied", lineDelta: -1, lineLocation: "wh-east" }, policy, () => undefined)).toBeNull();
    expect(
      ownSaleAdjustment({ event: { ...release, restocked: undefined }, effect: "applied", lineDelta: -1, lineLocation: "wh-east" }, policy, () => undefined),
    ).toEqual({ eventId: "x", channel: "shopify", target: targetKey("A", "wh-east"), delta: 1, resplit: false });
  });

  it("summed channels adjust their one number; a duplicate carries the same event id (deduped in Redis); no-op lines adjust nothing", () => {
    expect(ownSaleAdjustment({ event: reserve("marketplace", 4), effect: "applied", lineDelta: 4, lineLocation: null }, policy, () => undefined)).toEqual({
      eventId: "r",
      channel: "marketplace",
      target: "A|*",
      delta: -4,
      resplit: false,
    });
    expect(
      ownSaleAdjustment({ event: reserve("marketplace", 4), effect: "duplicate", lineDelta: 4, lineLocation: null }, policy, () => undefined)?.eventId,
    ).toBe("r");
    expect(ownSaleAdjustment({ event: reserve("marketplace", 4), effect: "applied", lineDelta: 0, lineLocation: null }, policy, () => undefined)).toBeNull();
  });
});
