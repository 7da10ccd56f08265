import { describe, expect, it } from "vitest";
import type { OrderLine } from "@/lib/domain/projection";
import { affectedLines, apologyCode, oversoldUnits, recoveryRoute } from "@/lib/domain/incidents";
import { parseLineKey } from "@/lib/domain/line-key";

/** Oversell incident pieces (lib/domain/incidents.ts) at their edges; expected values by hand. */
const open = (reserved: number, o: Partial<OrderLine> = {}): OrderLine => ({
  reserved,
  released: 0,
  kept: 0,
  picked: 0,
  cancelled: false,
  cancelRestocks: true,
  locationId: null,
  locationBy: null,
  ...o,
});

describe("oversoldUnits", () => {
  it("sums every location and the unassigned units against the positive shelves", () => {
    expect(oversoldUnits({ onHand: { a: 2, b: 3 }, reserved: { a: 4, b: 1 }, unassigned: 1 })).toBe(1);
    expect(oversoldUnits({ onHand: { a: 2, b: 3 }, reserved: { a: 4 }, unassigned: 0 })).toBe(0);
    expect(oversoldUnits({ onHand: {}, reserved: {}, unassigned: 0 })).toBe(0);
  });
});

describe("parseLineKey", () => {
  it("takes the last part as the line id and everything between as the order id", () => {
    expect(parseLineKey("pos:store-1:9:3")).toEqual({ lineKey: "pos:store-1:9:3", channel: "pos", orderId: "store-1:9", lineId: "3" });
  });
  it("refuses keys that are not channel:order:line", () => {
    for (const bad of ["shopify:1", "shopify::2", "shopify:1:", "shopify:1:2:", "Shopify:1:2", "9pos:1:2", ":1:2", "shopify"])
      expect(parseLineKey(bad)).toBeNull();
  });
});

describe("affectedLines", () => {
  it("numeric order ids compare as numbers, beyond float precision too", () => {
    const lines = { "shopify:9:1": open(1), "shopify:10:1": open(1), "shopify:9007199254740993:1": open(1), "shopify:9007199254740992:1": open(1) };
    expect(affectedLines(lines, 4).map((l) => l.orderId)).toEqual(["9007199254740993", "9007199254740992", "10", "9"]);
  });

  it("other order ids compare as text, newest (greatest) first; lines of one order by numeric line id", () => {
    const lines = { "marketplace:A-77:1": open(1), "marketplace:B-01:1": open(1), "marketplace:B-01:9": open(1), "marketplace:B-01:10": open(1) };
    expect(affectedLines(lines, 4).map((l) => `${l.orderId}/${l.lineId}`)).toEqual(["B-01/10", "B-01/9", "B-01/1", "A-77/1"]);
  });

  it("a mixed pair (numeric and not, or digits then letters) compares as text", () => {
    expect(affectedLines({ "shopify:5:1": open(1), "shopify:A:1": open(1) }, 2).map((l) => l.orderId)).toEqual(["A", "5"]);
    expect(affectedLines({ "shopify:12a:1": open(1), "shopify:9:1": open(1) }, 2).map((l) => l.orderId)).toEqual(["9", "12a"]);
  });

  it("lines of one numeric order: the highest line id first", () => {
    const lines = { "shopify:10:9": open(1), "shopify:10:10": open(1), "shopify:10:1": open(1) };
    expect(affectedLines(lines, 3).map((l) => l.lineId)).toEqual(["10", "9", "1"]);
  });

  it("takes part of the last line needed, skips closed, excluded and malformed lines, and stops once covered", () => {
    const lines = {
      "shopify:30:1": open(2),
      "shopify:20:1": open(3),
      "shopify:10:1": open(5),
      "shopify:40:1": open(4, { cancelled: true }),
      "shopify:50:1": open(2, { released: 2 }),
      "shopify:60:1": open(9),
      bogus: open(9),
    };
    expect(affectedLines(lines, 4, new Set(["shopify:60:1"]))).toEqual([
      { lineKey: "shopify:30:1", channel: "shopify", orderId: "30", lineId: "1", units: 2 },
      { lineKey: "shopify:20:1", channel: "shopify", orderId: "20", lineId: "1", units: 2 },
    ]);
    expect(affectedLines(lines, 0)).toEqual([]);
    expect(affectedLines(lines, 2).map((l) => l.lineKey)).toEqual(["shopify:60:1"]);
  });
});

describe("recoveryRoute", () => {
  it("names why it escalates", () => {
    expect(recoveryRoute("pos", 100, 50_000, "USD")).toEqual({ kind: "escalate", reason: "pos orders are refunded in that channel's own tools" });
    expect(recoveryRoute("shopify", 50_001, 50_000, "USD")).toEqual({
      kind: "escalate",
      reason: "order value 500.01 USD is above the escalation threshold 500.00 USD",
    });
    expect(recoveryRoute("shopify", 50_001, 50_000, "KWD")).toEqual({
      kind: "escalate",
      reason: "order value 50.001 KWD is above the escalation threshold 50.000 KWD",
    });
  });
});

describe("apologyCode", () => {
  it("is FNV-1a of `incident|order` in base 36, padded to 7 (values from an independent Python FNV-1a)", () => {
    expect(apologyCode("short:wms:1", "42")).toBe("SORRY-00DAUGN");
    expect(apologyCode("x", "y")).toBe("SORRY-1I9US94");
  });
});
