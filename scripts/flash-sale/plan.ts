import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { realMs, type Scenario } from "./scenario";

/**
 * The sale's traffic, decided before anything runs: a pure function of the scenario (and so
 * of its seed). Both modes replay this exact list, so any difference in outcome is the sync
 * architecture's doing. Times are real ms from the start of the sale.
 */
export type ApiChannel = "shopify" | "marketplace" | "pos";

export type PlannedAction =
  | { kind: "buy"; id: string; atMs: number; channel: ApiChannel; sku: string; quantity: number }
  | { kind: "browser"; id: string; atMs: number; sku: string; quantity: number; dwellMs: number; switchFrom: string | null }
  | { kind: "restock"; id: string; atMs: number; sku: string; locationId: string; quantity: number };

export interface TrafficPlan {
  durationMs: number;
  actions: PlannedAction[];
}

/** A seeded uniform [0, 1) source. */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
}

const between = (random: () => number, min: number, max: number) => min + random() * (max - min);

function pickWeighted<T extends { weight: number }>(random: () => number, items: readonly T[]): T {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  let roll = random() * total;
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1]!;
}

/** Mostly single units; sometimes more, as real baskets go. */
const quantity = (random: () => number, max: number) => (max === 1 || random() < 0.7 ? 1 : 2 + Math.floor(random() * (max - 1)));

/** Buyers arrive as a Poisson process whose rate rises `multiplier` times during the surge (thinning). */
function arrivals(random: () => number, scenario: Scenario, perStoreMinute: number): number[] {
  if (perStoreMinute <= 0) return [];
  const durationMs = realMs(scenario, scenario.durationSec);
  const baseRate = perStoreMinute / realMs(scenario, 60); // per real ms
  const surgeFrom = realMs(scenario, scenario.surge.atSec);
  const surgeTo = surgeFrom + realMs(scenario, scenario.surge.lengthSec);
  const peak = baseRate * scenario.surge.multiplier;
  const times: number[] = [];
  for (let t = -Math.log(1 - random()) / peak; t < durationMs; t += -Math.log(1 - random()) / peak) {
    const rate = t >= surgeFrom && t < surgeTo ? peak : baseRate;
    if (random() < rate / peak) times.push(Math.round(t));
  }
  return times;
}

/** Another variant of the same product, for the "switch variant" step (null for single-variant products). */
export function siblingOf(sku: string): string | null {
  const product = demoCatalog.products.find((p) => p.variants.some((v) => v.sku === sku));
  return product?.variants.find((v) => v.sku !== sku)?.sku ?? null;
}

export function planTraffic(scenario: Scenario): TrafficPlan {
  const random = seededRandom(scenario.seed);
  const durationMs = realMs(scenario, scenario.durationSec);
  const actions: PlannedAction[] = [];
  const channels: [ApiChannel, number][] = [
    ["shopify", scenario.shoppers.storefrontPerMinute],
    ["marketplace", scenario.shoppers.marketplacePerMinute],
    ["pos", scenario.shoppers.posPerMinute],
  ];
  for (const [channel, rate] of channels) {
    arrivals(random, scenario, rate).forEach((atMs, i) => {
      actions.push({
        kind: "buy",
        id: `${channel}-${i + 1}`,
        atMs,
        channel,
        sku: pickWeighted(random, scenario.skus).sku,
        quantity: quantity(random, scenario.shoppers.maxQuantity),
      });
    });
  }
  const { browser } = scenario.shoppers;
  for (let i = 0; i < browser.count; i++) {
    const sku = pickWeighted(random, scenario.skus).sku;
    actions.push({
      kind: "browser",
      id: `browser-${i + 1}`,
      atMs: Math.round(realMs(scenario, between(random, browser.startSec.min, browser.startSec.max))),
      sku,
      quantity: 1,
      dwellMs: Math.round(realMs(scenario, between(random, browser.dwellSec.min, browser.dwellSec.max))),
      switchFrom: siblingOf(sku),
    });
  }
  scenario.restocks.forEach((r, i) =>
    actions.push({ kind: "restock", id: `restock-${i + 1}`, atMs: realMs(scenario, r.atSec), sku: r.sku, locationId: r.locationId, quantity: r.quantity }),
  );
  actions.sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id));
  return { durationMs, actions };
}
