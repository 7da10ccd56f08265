import { describe, expect, it } from "vitest";
import { availableToSell, bufferFor } from "@/lib/domain/available";
import { stockStatus } from "@/lib/domain/stock-status";

/** Clamps and spill-over of available-to-sell (lib/domain/available.ts), worked by hand. */
describe("availableToSell edges", () => {
  it("a SKU override beats the channel default, and neither goes below zero", () => {
    expect(bufferFor({ defaultBuffer: 3 }, 5)).toBe(5);
    expect(bufferFor({ defaultBuffer: -4 }, undefined)).toBe(0);
    expect(bufferFor({ defaultBuffer: 3 }, -1)).toBe(0);
  });

  it("unassigned reservations spill past the first location in routing order", () => {
    const ats = availableToSell({ onHand: { e: 2, w: 5 }, reserved: {}, unassigned: 4 }, { defaultBuffer: 0, locations: ["e", "w"] });
    expect(ats).toEqual({ total: 3, locations: { e: 0, w: 3 } });
  });

  it("routing order is the channel's: the same stock listed the other way round", () => {
    const ats = availableToSell({ onHand: { e: 2, w: 5 }, reserved: {}, unassigned: 4 }, { defaultBuffer: 0, locations: ["w", "e"] });
    expect(ats).toEqual({ total: 3, locations: { w: 1, e: 2 } });
  });

  it("a negative unassigned count frees nothing; over-reserved or negative locations count as zero", () => {
    const ats = availableToSell({ onHand: { e: 4, w: -3, x: 50 }, reserved: { e: 6 }, unassigned: -2 }, { defaultBuffer: 0, locations: ["e", "w"] });
    expect(ats).toEqual({ total: 0, locations: { e: 0, w: 0 } });
  });

  it("the buffer comes off each location, and an override replaces it", () => {
    const projection = { onHand: { e: 10, w: 1 }, reserved: { e: 1 }, unassigned: 0 };
    expect(availableToSell(projection, { defaultBuffer: 2, locations: ["e", "w"] })).toEqual({ total: 7, locations: { e: 7, w: 0 } });
    expect(availableToSell(projection, { defaultBuffer: 2, locations: ["e", "w"] }, 0)).toEqual({ total: 10, locations: { e: 9, w: 1 } });
    expect(availableToSell(projection, { defaultBuffer: 0, locations: [] })).toEqual({ total: 0, locations: {} });
  });
});

describe("stockStatus edges", () => {
  it("negative is sold out, 1 at threshold 1 is low, 2 above it is in stock", () => {
    expect(stockStatus(-3, 5)).toBe("sold_out");
    expect(stockStatus(1, 1)).toBe("low_stock");
    expect(stockStatus(2, 1)).toBe("in_stock");
    expect(stockStatus(1, 0)).toBe("in_stock");
    expect(stockStatus(0, 0)).toBe("sold_out");
  });
});
