import { describe, expect, it } from "vitest";
import { routeOrder } from "@/emulators/shopify/routing";

/** Shopify's default routing, the emulator's subset: minimise split, then ranked locations; never split a line. */
const ranked = ["wh-east", "wh-west"];
const shelves = (levels: Record<string, Record<string, number>>) => (sku: string, loc: string) => levels[sku]?.[loc] ?? 0;

describe("emulator order routing", () => {
  it("sends a line the first location cannot cover whole to the next ranked one (not the old split-by-availability)", () => {
    expect(routeOrder([{ sku: "A", quantity: 2 }], ranked, shelves({ A: { "wh-east": 1, "wh-west": 4 } }))).toEqual({ ok: true, locations: ["wh-west"] });
  });

  it("minimises split fulfilment: one location that ships every line beats the higher-ranked one for a single line", () => {
    const available = shelves({ A: { "wh-east": 3, "wh-west": 3 }, B: { "wh-east": 0, "wh-west": 2 } });
    expect(
      routeOrder(
        [
          { sku: "A", quantity: 1 },
          { sku: "B", quantity: 1 },
        ],
        ranked,
        available,
      ),
    ).toEqual({ ok: true, locations: ["wh-west", "wh-west"] });
  });

  it("splits the order by line when no one location ships it all, ranked first per line", () => {
    const available = shelves({ A: { "wh-east": 3, "wh-west": 0 }, B: { "wh-east": 0, "wh-west": 2 } });
    expect(
      routeOrder(
        [
          { sku: "A", quantity: 1 },
          { sku: "B", quantity: 1 },
        ],
        ranked,
        available,
      ),
    ).toEqual({ ok: true, locations: ["wh-east", "wh-west"] });
  });

  it("refuses a line no single location covers (stricter than Shopify, which may split it), counting two lines of one SKU together", () => {
    expect(routeOrder([{ sku: "A", quantity: 2 }], ranked, shelves({ A: { "wh-east": 1, "wh-west": 1 } }))).toEqual({
      ok: false,
      shortages: [{ sku: "A", requested: 2, available: 1 }],
    });
    const twice = routeOrder(
      [
        { sku: "A", quantity: 2 },
        { sku: "A", quantity: 2 },
      ],
      ranked,
      shelves({ A: { "wh-east": 3, "wh-west": 2 } }),
    );
    expect(twice).toEqual({ ok: true, locations: ["wh-east", "wh-west"] });
  });
});
