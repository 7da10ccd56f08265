import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planTraffic, siblingOf } from "@/scripts/flash-sale/plan";
import { loadScenario, realMs, scenarioSchema } from "@/scripts/flash-sale/scenario";

describe("flash-sale scenarios", () => {
  it("the shipped scenarios are valid; default fits in ≤ 3 minutes of sale for both modes", () => {
    for (const name of ["default", "black-friday", "smoke"]) expect(loadScenario(name).name).toBe(name);
    const d = loadScenario("default");
    expect(2 * realMs(d, d.durationSec)).toBeLessThanOrEqual(120_000);
  });

  it("names the field of a bad scenario", () => {
    const bad = { ...loadScenario("smoke"), skus: [{ sku: "NOPE-1", stock: { "wh-east": 1 } }] };
    const result = scenarioSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join(".")).toBe("skus.0.sku");
    expect(() => loadScenario("no-such-scenario")).toThrow(/no scenario/);
  });
});

describe("planTraffic", () => {
  const smoke = loadScenario("smoke");

  it("is a pure function of the scenario: same seed, same plan; another seed, another plan", () => {
    expect(planTraffic(smoke)).toEqual(planTraffic(smoke));
    expect(planTraffic({ ...smoke, seed: smoke.seed + 1 }).actions).not.toEqual(planTraffic(smoke).actions);
  });

  it("keeps every action inside the sale, in time order, on the scenario's SKUs, within the basket limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const plan = planTraffic({ ...smoke, seed });
        const skus = new Set(smoke.skus.map((s) => s.sku));
        plan.actions.forEach((a, i) => {
          expect(a.atMs).toBeGreaterThanOrEqual(0);
          expect(a.atMs).toBeLessThanOrEqual(plan.durationMs);
          if (i > 0) expect(a.atMs).toBeGreaterThanOrEqual(plan.actions[i - 1]!.atMs);
          expect(skus.has(a.sku)).toBe(true);
          if (a.kind === "buy") expect(a.quantity).toBeLessThanOrEqual(smoke.shoppers.maxQuantity);
        });
        expect(plan.actions.filter((a) => a.kind === "browser")).toHaveLength(smoke.shoppers.browser.count);
        expect(plan.actions.filter((a) => a.kind === "restock")).toHaveLength(smoke.restocks.length);
      }),
      { numRuns: 50 },
    );
  });

  it("the surge really is busier: arrivals per second during it beat the rest", () => {
    const s = { ...smoke, shoppers: { ...smoke.shoppers, storefrontPerMinute: 30, marketplacePerMinute: 0, posPerMinute: 0 } };
    const buys = planTraffic(s).actions.filter((a) => a.kind === "buy");
    const from = realMs(s, s.surge.atSec);
    const to = from + realMs(s, s.surge.lengthSec);
    const inside = buys.filter((a) => a.atMs >= from && a.atMs < to).length / (to - from);
    const outside = buys.filter((a) => a.atMs < from || a.atMs >= to).length / (realMs(s, s.durationSec) - (to - from));
    expect(inside).toBeGreaterThan(1.8 * outside);
  });

  it("a browser shopper lands on a sibling variant when the product has one", () => {
    expect(siblingOf("DWN-BLK-M")).not.toBeNull();
    expect(siblingOf("DWN-BLK-M")).not.toBe("DWN-BLK-M");
    expect(siblingOf("DPK-BLK")).toBeNull();
  });
});
