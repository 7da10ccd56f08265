import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { listSkus, PAGE_SIZE, readLedger } from "@/lib/ops/read-skus";
import { enqueueDelivery, queueLength } from "@/lib/redis/intake-queue";
import { drainIntake } from "@/workers/drain";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * The /ops SKU list over real Redis: 120 tracked SKUs in pages of 50 (every SKU exactly once,
 * none past the end), the numbers in each row are what the warehouse sent, and search is a
 * literal substring (a `*` in the query is not a wildcard).
 */
const catalog = loadCatalog(12, 10);
const skus = catalog.products.flatMap((p) => p.variants.map((v) => v.sku));
let world: Awaited<ReturnType<typeof startChannelWorld>>;
const onHandOf = new Map(skus.map((sku, i) => [sku, i + 1]));

beforeAll(async () => {
  world = await startChannelWorld(catalog);
  const redis = world.ctx.redis;
  const events = skus.map(
    (sku) =>
      ({
        id: `sku-page-${sku}`,
        sku,
        occurredAt: "2026-11-27T10:00:00Z",
        source: "wms",
        sourceUri: "test://skus",
        kind: "receipt",
        locationId: "wh-east",
        quantity: onHandOf.get(sku),
      }) as StockEvent,
  );
  await enqueueDelivery(redis, "wms", "sku-pages", events);
  for (let i = 0; i < 20 && (await queueLength(redis)) > 0; i++) await drainIntake(world.ctx, { maxMs: 10_000 });
  expect(await queueLength(redis)).toBe(0);
}, 90_000);
afterAll(async () => world?.stop());

describe("/ops SKU pages", () => {
  it("120 SKUs in pages of 50: each exactly once, with its own numbers; nothing past the end", async () => {
    const policy = await world.ctx.policy();
    const pages = await Promise.all([0, 1, 2, 3].map((p) => listSkus(world.ctx.redis, policy, "", p)));
    expect(PAGE_SIZE).toBe(50);
    expect(pages.map((p) => p.rows.length)).toEqual([50, 50, 20, 0]);
    expect(pages.every((p) => p.total === 120)).toBe(true);
    // The pages follow the tracked set's order (first seen, then name): together, every SKU once.
    const listed = pages.flatMap((p) => p.rows.map((r) => r.sku));
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...skus].sort());
    for (const row of pages.flatMap((p) => p.rows)) {
      expect(row.onHand).toBe(onHandOf.get(row.sku));
      expect(row.reserved).toBe(0);
      // Shopify's wanted number: on hand less its buffer of 2, never below 0.
      expect(row.channels.shopify?.wanted).toBe(Math.max(0, onHandOf.get(row.sku)! - 2));
    }
  });

  it("search is a case-insensitive literal substring, paged the same way", async () => {
    const policy = await world.ctx.policy();
    const hits = await listSkus(world.ctx.redis, policy, "load-1", 0);
    const expected = skus.filter((s) => s.includes("LOAD-1")).sort(); // LOAD-1-*, LOAD-10-*, LOAD-11-*
    expect(hits.total).toBe(30);
    expect(hits.rows.map((r) => r.sku)).toEqual(expected);
    expect((await listSkus(world.ctx.redis, policy, "LOAD-*", 0)).total).toBe(0);
    expect((await listSkus(world.ctx.redis, policy, "LOAD-11-9", 0)).rows.map((r) => [r.sku, r.onHand])).toEqual([["LOAD-11-9", onHandOf.get("LOAD-11-9")]]);
  });

  it("a SKU's ledger: its movements newest first, each with what it was and where from", async () => {
    const sku = skus[7]!;
    const ledger = await readLedger(world.ctx.redis, sku, 50);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      event: `sku-page-${sku}`,
      kind: "receipt",
      effect: "applied",
      source: "wms",
      loc: "wh-east",
      qty: String(onHandOf.get(sku)),
    });
    expect(ledger[0]!.id).toMatch(/^\d+-\d+$/);
    expect(await readLedger(world.ctx.redis, "NO-SUCH-SKU", 50)).toEqual([]);
  });
});
