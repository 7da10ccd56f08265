import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cartShortfalls } from "@/lib/stock/cart-shortfalls";
import type { SkuStock } from "@/lib/stock/stock-view";

const stock = (available: number, status: SkuStock["status"] = available > 0 ? "in_stock" : "sold_out"): SkuStock => ({ available, status, locations: {} });

describe("cartShortfalls", () => {
  it("offers what is left for a line asking too much, and removal when nothing is", () => {
    const lines = [
      { lineId: "a", sku: "A", quantity: 3 },
      { lineId: "b", sku: "B", quantity: 1 },
      { lineId: "c", sku: "C", quantity: 2 },
    ];
    expect(cartShortfalls(lines, { A: stock(2), B: stock(0), C: stock(5) })).toEqual([
      { lineId: "a", sku: "A", requested: 3, available: 2 },
      { lineId: "b", sku: "B", requested: 1, available: 0 },
    ]);
  });

  it("lines of one SKU share its number", () => {
    const lines = [
      { lineId: "a", sku: "A", quantity: 2 },
      { lineId: "a2", sku: "A", quantity: 2 },
    ];
    expect(cartShortfalls(lines, { A: stock(3) })).toEqual([{ lineId: "a2", sku: "A", requested: 2, available: 1 }]);
  });

  it("does not refuse what it does not track (unknown SKU, no SKU, no answer)", () => {
    const lines = [
      { lineId: "a", sku: "GIFT", quantity: 9 },
      { lineId: "b", sku: null, quantity: 9 },
      { lineId: "c", sku: "LATER", quantity: 9 },
    ];
    expect(cartShortfalls(lines, { GIFT: stock(0, "unknown") })).toEqual([]);
  });

  it("property: accepting every offer leaves a cart that fits", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sku: fc.constantFrom("A", "B", "C"), quantity: fc.integer({ min: 1, max: 9 }) }), { maxLength: 8, size: "max" }),
        fc.record({ A: fc.integer({ min: 0, max: 12 }), B: fc.integer({ min: 0, max: 12 }), C: fc.integer({ min: 0, max: 12 }) }),
        (raw, available) => {
          const stocks = Object.fromEntries(Object.entries(available).map(([sku, n]) => [sku, stock(n)]));
          const lines = raw.map((l, i) => ({ lineId: String(i), ...l }));
          const offers = new Map(cartShortfalls(lines, stocks).map((s) => [s.lineId, s.available]));
          const accepted = lines.map((l) => ({ ...l, quantity: offers.get(l.lineId) ?? l.quantity })).filter((l) => l.quantity > 0);
          expect(cartShortfalls(accepted, stocks)).toEqual([]);
          for (const sku of ["A", "B", "C"] as const)
            expect(accepted.filter((l) => l.sku === sku).reduce((s, l) => s + l.quantity, 0)).toBeLessThanOrEqual(available[sku]);
        },
      ),
    );
  });
});
