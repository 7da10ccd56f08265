import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { demoSkus } from "@/lib/catalog/demo-catalog";

/**
 * A flash-sale scenario: what is on the shelves, who buys where, how late every system is.
 * Every duration is **store time** (what a merchant would see on the clock); the harness runs
 * it `timeCompression` times faster. Our own pipeline is never compressed: its real latency
 * counts `timeCompression` times over in store terms, so compression only ever handicaps it.
 */
const seconds = z
  .number()
  .min(0)
  .max(7 * 24 * 3600);
const range = z.object({ min: seconds, max: seconds }).refine((r) => r.min <= r.max, { message: "min must be ≤ max", path: ["max"] });
const perMinute = z.number().min(0).max(10_000);
const location = z.enum(["wh-east", "wh-west"]);

const skuSchema = z.string().superRefine((sku, ctx) => {
  if (!demoSkus().includes(sku)) ctx.addIssue({ code: "custom", message: `${sku} is not in the demo catalog (lib/catalog/demo-catalog.json)` });
});

export const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes"),
    description: z.string().default(""),
    /** Same seed, same traffic: both modes run the identical plan. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    durationSec: z
      .number()
      .min(10)
      .max(24 * 3600),
    timeCompression: z.number().min(1).max(600),
    skus: z
      .array(
        z.object({
          sku: skuSchema,
          stock: z.partialRecord(location, z.number().int().min(0).max(100_000)),
          /** Relative popularity (default 1). */
          weight: z.number().positive().default(1),
        }),
      )
      .min(1)
      .max(50)
      .refine((s) => new Set(s.map((x) => x.sku)).size === s.length, "each SKU once"),
    /** Units held back per location, per channel (ours only; the naive setup has none). */
    buffers: z.object({
      shopify: z.number().int().min(0).max(1000),
      marketplace: z.number().int().min(0).max(1000),
      pos: z.number().int().min(0).max(1000).default(0),
    }),
    shoppers: z.object({
      /** Real Chromium shoppers: PDP, watch the badge, switch variant, add to cart, check out. */
      browser: z.object({ count: z.number().int().min(0).max(20), dwellSec: range, startSec: range }),
      /** API-level buyers per minute of store time, at the sale's base rate. */
      storefrontPerMinute: perMinute,
      marketplacePerMinute: perMinute,
      posPerMinute: perMinute,
      maxQuantity: z.number().int().min(1).max(10).default(2),
      /** Open product tabs polling the stock badge (each every `refreshMs`). */
      watchers: z.number().int().min(0).max(200).default(0),
    }),
    /** The drop: buyers arrive `multiplier` times faster for a while. */
    surge: z.object({ atSec: seconds, lengthSec: seconds, multiplier: z.number().min(1).max(100) }),
    restocks: z.array(z.object({ atSec: seconds, sku: skuSchema, locationId: location, quantity: z.number().int().min(1).max(100_000) })).default([]),
    webhooks: z.object({ lagSec: range, duplicateRate: z.number().min(0).max(1) }),
    /** Marketplace order notifications arrive this late. */
    marketplaceLagSec: range,
    /** The store POS posts its sales in batches this often. */
    posBatchEverySec: z.number().min(1).max(3600),
    /** From order to pick at the warehouse. */
    pickLagSec: range,
    naive: z
      .object({
        erpSnapshotEverySec: seconds.default(900),
        /** From taking the ERP snapshot to the import job setting it on Shopify. */
        erpImportLagSec: seconds.default(60),
        marketplaceCronEverySec: seconds.default(300),
        pdpCacheSec: seconds.default(90),
      })
      .prefault({}),
  })
  .superRefine((s, ctx) => {
    if (s.surge.atSec + s.surge.lengthSec > s.durationSec) ctx.addIssue({ code: "custom", path: ["surge"], message: "the surge must end within durationSec" });
    s.restocks.forEach((r, i) => {
      if (r.atSec > s.durationSec) ctx.addIssue({ code: "custom", path: ["restocks", i, "atSec"], message: "after the sale ends" });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;

const SCENARIO_DIR = path.join(import.meta.dirname, "scenarios");

/** A shipped scenario by name (`default`, `black-friday`, `smoke`) or a JSON file path. */
export function loadScenario(nameOrPath: string): Scenario {
  const file = existsSync(nameOrPath) ? nameOrPath : path.join(SCENARIO_DIR, `${nameOrPath}.json`);
  if (!existsSync(file))
    throw new Error(`no scenario "${nameOrPath}" (shipped: default, black-friday, smoke, thin-buffers-1, thin-buffers-2; or give a JSON file)`);
  const parsed = scenarioSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`scenario ${path.basename(file)}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Store seconds → real milliseconds under the scenario's compression. */
export const realMs = (scenario: Pick<Scenario, "timeCompression">, storeSeconds: number): number =>
  Math.round((storeSeconds * 1000) / scenario.timeCompression);

export const realRange = (scenario: Pick<Scenario, "timeCompression">, r: { min: number; max: number }) => ({
  min: realMs(scenario, r.min),
  max: realMs(scenario, r.max),
});
