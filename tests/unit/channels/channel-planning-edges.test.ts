import { describe, expect, it } from "vitest";
import { policySchema, type Policy } from "@/lib/config/policy";
import type { StockEvent } from "@/lib/domain/events";
import { ownSaleAdjustment, resplitBeliefs } from "@/lib/channels/own-sales";
import { batchKey, desiredTargets, planItems, toBatches, unknownTargets } from "@/lib/channels/plan";
import { readWithRetry } from "@/lib/channels/retry-reads";
import type { CallResult } from "@/lib/http/call-result";
import { ANY_LOCATION, deltaOf, targetKey, type WriteItem } from "@/lib/domain/channel-targets";
import type { SkuSnapshot } from "@/lib/domain/projection";
import { decodeProjectionHash } from "@/lib/redis/projection-codec";

/** Pure channel planning (lib/channels) at its edges; every expected value worked out by hand. */
const snap = (raw: Record<string, unknown>): SkuSnapshot => {
  const s = decodeProjectionHash(raw);
  if (!s) throw new Error("bad snapshot fixture");
  return s;
};
const aware = { defaultBuffer: 1, locations: ["e", "w"], locationAware: true };
const summed = { defaultBuffer: 1, locations: ["e", "w"], locationAware: false };

describe("desiredTargets and planItems", () => {
  it("per location for a location-aware channel, one summed number otherwise; the SKU's buffer for that channel applies", () => {
    const s = snap({ "oh:e": 5, "oh:w": 3, "buf:marketplace": 0, v: 9 });
    expect([...desiredTargets(s, "shopify", aware)]).toEqual([
      ["e", 4],
      ["w", 2],
    ]);
    expect([...desiredTargets(s, "marketplace", summed)]).toEqual([[ANY_LOCATION, 8]]);
  });

  it("writes only what moved, from a belief it holds, tagged with the causing version", () => {
    const snapshots = new Map<string, SkuSnapshot | null>([
      ["A", snap({ "oh:e": 5, "oh:w": 3, v: 9 })],
      ["B", null],
      ["C", snap({ "oh:e": 2, v: 4 })],
    ]);
    const believed = new Map([
      [targetKey("A", "e"), 4],
      [targetKey("A", "w"), 0],
      [targetKey("C", "e"), 3],
      [targetKey("B", "e"), 7],
    ]);
    expect(planItems({ channel: "shopify", policy: aware, snapshots, believed })).toEqual([
      { sku: "A", location: "w", from: 0, to: 2, version: 9 },
      { sku: "C", location: "e", from: 3, to: 1, version: 4 },
    ]);
  });

  it("unknown targets: each location without a belief, or the one summed target", () => {
    const believed = new Map([
      [targetKey("A", "e"), 1],
      [targetKey("B", ANY_LOCATION), 1],
    ]);
    expect(unknownTargets({ channel: "shopify", policy: aware, skus: ["A", "B"], believed })).toEqual([
      { sku: "A", location: "w" },
      { sku: "B", location: "e" },
      { sku: "B", location: "w" },
    ]);
    expect(unknownTargets({ channel: "marketplace", policy: summed, skus: ["A", "B"], believed })).toEqual([{ sku: "A", location: ANY_LOCATION }]);
  });
});

describe("batch keys and batches", () => {
  const item = (sku: string, location: string, version: number, from: number, to: number): WriteItem => ({ sku, location, version, from, to });
  it("is the UUID-shaped sha256 of channel and sorted transitions (values from an independent Python sha256)", () => {
    expect(batchKey("shopify", [item("A", "wh-east", 3, 5, 2)])).toBe("f0a18bd9-f71a-7067-6d43-ac4abc41e3b9");
    expect(batchKey("marketplace", [item("B", "*", 7, 0, 4), item("A", "*", 1, 2, 1)])).toBe("70bc67e9-4837-7d8f-0ae7-108040586061");
    expect(batchKey("marketplace", [item("A", "*", 1, 2, 1), item("B", "*", 7, 0, 4)])).toBe("70bc67e9-4837-7d8f-0ae7-108040586061");
  });

  it("drops no-op items and cuts the rest into batches of at most maxBatch, in order", () => {
    const items = [
      item("A", "*", 1, 0, 1),
      item("B", "*", 1, 2, 2),
      item("C", "*", 1, 3, 1),
      item("D", "*", 1, 0, 5),
      item("E", "*", 1, 1, 0),
      item("F", "*", 1, 0, 2),
    ];
    const batches = toBatches("shopify", items, 2);
    expect(batches.map((b) => b.items.map((i) => i.sku))).toEqual([["A", "C"], ["D", "E"], ["F"]]);
    expect(batches.map((b) => b.key)).toEqual([
      batchKey("shopify", [items[0]!, items[2]!]),
      batchKey("shopify", [items[3]!, items[4]!]),
      batchKey("shopify", [items[5]!]),
    ]);
    expect(toBatches("shopify", [item("B", "*", 1, 2, 2)], 2)).toEqual([]);
    expect(deltaOf(item("X", "*", 1, 7, 3))).toBe(-4);
    expect(targetKey("S", "e")).toBe("S|e");
  });
});

describe("ownSaleAdjustment", () => {
  const policy: Policy = policySchema.parse({
    version: 1,
    channels: {
      shopify: { enabled: true, defaultBuffer: 0, locations: ["e", "w"], locationAware: true },
      marketplace: { enabled: true, defaultBuffer: 0, locations: ["e"], locationAware: false },
    },
    locations: { e: { name: "E", pickup: false }, w: { name: "W", pickup: false } },
    lowStockThreshold: 5,
    storefront: { channel: "shopify", refreshMs: 3000 },
    drift: { threshold: 3, autoCorrectLimit: 25 },
    escalation: { orderValueCents: 50000 },
  });
  const at = "2026-11-27T08:00:00.000Z";
  const reserve = (lineKey: string, quantity = 2): StockEvent => ({
    id: `r:${lineKey}`,
    kind: "reserve",
    sku: "S",
    channel: "shopify",
    lineKey,
    quantity,
    occurredAt: at,
    source: "shopify",
    sourceUri: "u",
  });
  const release = (restocked?: boolean): StockEvent => ({
    id: "rel",
    kind: "release",
    sku: "S",
    channel: "shopify",
    lineKey: "shopify:1:1",
    quantity: 1,
    occurredAt: at,
    source: "shopify",
    sourceUri: "u",
    ...(restocked === undefined ? {} : { restocked }),
  });
  const believed = (m: Record<string, number>) => (_c: string, target: string) => m[target];
  const none = believed({});

  it("nothing for events that do not move the line, name no line, or belong to a channel we do not hold", () => {
    expect(ownSaleAdjustment({ event: reserve("shopify:1:1"), effect: "applied", lineDelta: 0, lineLocation: null }, policy, none)).toBeNull();
    const receipt: StockEvent = { id: "x", kind: "receipt", sku: "S", locationId: "e", quantity: 1, occurredAt: at, source: "wms", sourceUri: "u" };
    expect(ownSaleAdjustment({ event: receipt, effect: "applied", lineDelta: 1, lineLocation: null }, policy, none)).toBeNull();
    expect(ownSaleAdjustment({ event: reserve("erp:1:1"), effect: "applied", lineDelta: 2, lineLocation: null }, policy, none)).toBeNull();
    expect(ownSaleAdjustment({ event: reserve("webshop:1:1"), effect: "applied", lineDelta: 2, lineLocation: null }, policy, none)).toBeNull();
  });

  it("a refund without restock leaves the channel's number alone; with restock (or unsaid) it goes back", () => {
    expect(ownSaleAdjustment({ event: release(false), effect: "applied", lineDelta: -1, lineLocation: "e" }, policy, none)).toBeNull();
    expect(ownSaleAdjustment({ event: release(true), effect: "applied", lineDelta: -1, lineLocation: "e" }, policy, none)).toEqual({
      eventId: "rel",
      channel: "shopify",
      target: "S|e",
      delta: 1,
      resplit: false,
    });
    expect(ownSaleAdjustment({ event: release(), effect: "applied", lineDelta: -1, lineLocation: "w" }, policy, none)).toEqual({
      eventId: "rel",
      channel: "shopify",
      target: "S|w",
      delta: 1,
      resplit: false,
    });
  });

  it("a Shopify return restock raises the belief where Shopify restocked; an unmapped place is re-read", () => {
    const restock = (locationId?: string): StockEvent => ({
      id: "ret",
      kind: "channel_restock",
      sku: "S",
      channel: "shopify",
      lineKey: "shopify:1:1",
      quantity: 1,
      occurredAt: at,
      source: "shopify",
      sourceUri: "u",
      ...(locationId ? { locationId } : {}),
    });
    expect(ownSaleAdjustment({ event: restock("w"), effect: "applied", lineDelta: 0, lineLocation: "e" }, policy, none)).toEqual({
      eventId: "ret",
      channel: "shopify",
      target: "S|w",
      delta: 1,
      resplit: false,
    });
    expect(ownSaleAdjustment({ event: restock(), effect: "duplicate", lineDelta: 0, lineLocation: "" }, policy, none)).toMatchObject({
      delta: 1,
      resplit: true,
    });
  });

  it("a sale Shopify may not have committed moves no belief and has the SKU re-read", () => {
    const uncommitted: StockEvent = { ...reserve("shopify:1:1"), committed: false } as StockEvent;
    expect(ownSaleAdjustment({ event: uncommitted, effect: "applied", lineDelta: 2, lineLocation: "e" }, policy, none)).toMatchObject({
      delta: 0,
      resplit: true,
    });
  });

  it("the channel comes from the line key; a summed channel moves its one target", () => {
    expect(ownSaleAdjustment({ event: reserve("marketplace:A-1:1"), effect: "applied", lineDelta: 2, lineLocation: "e" }, policy, none)).toEqual({
      eventId: "r:marketplace:A-1:1",
      channel: "marketplace",
      target: "S|*",
      delta: -2,
      resplit: false,
    });
  });

  it("an unplaced sale is guessed at the first location that could serve it, else the first; a restock at the first", () => {
    const sale = (delta: number, m: Record<string, number>) =>
      ownSaleAdjustment({ event: reserve("shopify:1:1"), effect: "applied", lineDelta: delta, lineLocation: null }, policy, believed(m));
    expect(sale(2, { "S|e": 1, "S|w": 2 })).toEqual({ eventId: "r:shopify:1:1", channel: "shopify", target: "S|w", delta: -2, resplit: true });
    expect(sale(2, { "S|e": 2, "S|w": 5 })).toMatchObject({ target: "S|e", resplit: true });
    expect(sale(3, { "S|e": 1, "S|w": 2 })).toMatchObject({ target: "S|e", delta: -3, resplit: true });
    expect(sale(2, {})).toMatchObject({ target: "S|e" });
    expect(sale(-2, { "S|e": 0, "S|w": 9 })).toEqual({ eventId: "r:shopify:1:1", channel: "shopify", target: "S|e", delta: 2, resplit: true });
    // The policy schema asks for a location; a channel left with none has nowhere to guess.
    const noPlaces: Policy = { ...policy, channels: { ...policy.channels, pos: { enabled: true, defaultBuffer: 0, locations: [], locationAware: true } } };
    expect(ownSaleAdjustment({ event: reserve("pos:1:1"), effect: "applied", lineDelta: 2, lineLocation: null }, noPlaces, none)).toBeNull();
  });
});

describe("resplitBeliefs", () => {
  it("every location carries all units sold that the channel has not shown yet", () => {
    expect([
      ...resplitBeliefs(
        new Map([
          ["e", 5],
          ["w", 3],
        ]),
        new Map([
          ["e", 4],
          ["w", 2],
        ]),
      ),
    ]).toEqual([
      ["e", 6],
      ["w", 4],
    ]);
  });
  it("a target without belief counts as what it holds; beliefs below the real numbers add nothing; beliefs for other targets are ignored", () => {
    expect([
      ...resplitBeliefs(
        new Map([
          ["e", 5],
          ["x", 100],
        ]),
        new Map([
          ["e", 4],
          ["w", 2],
        ]),
      ),
    ]).toEqual([
      ["e", 5],
      ["w", 3],
    ]);
    expect([
      ...resplitBeliefs(
        new Map([
          ["e", 1],
          ["w", 1],
        ]),
        new Map([
          ["e", 4],
          ["w", 2],
        ]),
      ),
    ]).toEqual([
      ["e", 4],
      ["w", 2],
    ]);
  });
});

describe("readWithRetry", () => {
  const script = <T>(answers: CallResult<T>[]) => {
    let calls = 0;
    return { attempt: async () => answers[Math.min(calls++, answers.length - 1)]!, calls: () => calls };
  };
  it("returns the first answer that is ok, after waiting out retries", async () => {
    const s = script<number>([
      { kind: "retry", reason: "throttled", retryAfterMs: 1 },
      { kind: "ok", data: 7 },
    ]);
    await expect(readWithRetry("read", s.attempt)).resolves.toBe(7);
    expect(s.calls()).toBe(2);
  });
  it("gives up at once on an error, and after `tries` retries otherwise", async () => {
    const failing = script<number>([{ kind: "error", message: "bad sku" }]);
    await expect(readWithRetry("inventory read", failing.attempt)).rejects.toThrow("inventory read failed: bad sku");
    expect(failing.calls()).toBe(1);
    const busy = script<number>([{ kind: "retry", reason: "throttled", retryAfterMs: 0 }]);
    await expect(readWithRetry("listing read", busy.attempt, 3)).rejects.toThrow("listing read failed: throttled");
    expect(busy.calls()).toBe(3);
    const always = script<number>([{ kind: "retry", reason: "unavailable", retryAfterMs: 0 }]);
    await expect(readWithRetry("r", always.attempt)).rejects.toThrow("r failed: unavailable");
    expect(always.calls()).toBe(6);
  });
});
