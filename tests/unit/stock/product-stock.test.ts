import { describe, expect, it } from "vitest";
import { pickupToday, productStock } from "@/lib/stock/product-stock";
import type { SkuStock } from "@/lib/stock/stock-view";

const s = (available: number, status: SkuStock["status"]): SkuStock => ({ available, status, locations: {} });

describe("productStock (one badge per product card)", () => {
  it("is in stock when any variant is", () => {
    const stocks: Record<string, SkuStock> = { A: s(0, "sold_out"), B: s(40, "in_stock") };
    expect(productStock(["A", "B"], (k) => stocks[k])).toMatchObject({ status: "in_stock", available: 40 });
  });

  it("says only N left over the low variants, and sold out when none sell", () => {
    const low: Record<string, SkuStock> = { A: s(2, "low_stock"), B: s(1, "low_stock"), C: s(0, "sold_out") };
    expect(productStock(["A", "B", "C"], (k) => low[k])).toMatchObject({ status: "low_stock", available: 3 });
    expect(productStock(["C"], (k) => low[k])).toMatchObject({ status: "sold_out", available: 0 });
  });

  it("claims nothing until every variant has an answer; unknown when none is tracked", () => {
    const partial: Record<string, SkuStock> = { A: s(9, "in_stock") };
    expect(productStock(["A", "B"], (k) => partial[k])).toBeUndefined();
    expect(productStock(["X"], () => s(0, "unknown"))).toMatchObject({ status: "unknown" });
  });
});

describe("pickupToday", () => {
  const locations = {
    "wh-west": { available: 5, name: "West", pickup: false },
    "store-soho": { available: 0, name: "SoHo store", pickup: true },
    "store-mission": { available: 2, name: "Mission store", pickup: true },
  };
  it("names the first pickup location that has the item", () => {
    expect(pickupToday({ available: 7, status: "in_stock", locations })).toBe("Mission store");
  });
  it("is null when no pickup location has it, or nothing is known", () => {
    expect(pickupToday({ available: 5, status: "in_stock", locations: { "wh-west": locations["wh-west"], "store-soho": locations["store-soho"] } })).toBeNull();
    expect(pickupToday(undefined)).toBeNull();
  });
});
