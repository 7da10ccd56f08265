import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { SET_AVAILABLE_MUTATION } from "@/lib/shopify/admin-documents";
import { createShopifyAdmin, type ShopifyAdmin } from "@/lib/shopify/admin-client";
import { lookupItems, type ShopifyItem } from "@/lib/shopify/inventory";
import { createMarketplaceClient } from "@/lib/marketplace/client";
import { log } from "@/lib/log";
import { getJson } from "./stack-probe";

/**
 * The industry's common setup (docs/architecture.md#emulators), for comparison on the same traffic:
 * - the ERP takes a snapshot of warehouse stock every 15 minutes and, after its import lag,
 *   *sets* Shopify's `available` to it, without compare-and-swap (sales since the snapshot are
 *   overwritten);
 * - a marketplace connector copies Shopify's `available` to the listing every 5 minutes;
 * - product pages show stock cached for 90 seconds.
 * It talks to the same emulated Shopify, marketplace and WMS through their real APIs.
 */
export interface NaiveSyncOptions {
  skus: readonly string[];
  /** Our location id → Shopify location gid. */
  locations: Record<string, string>;
  shopify: { url: string; domain: string; adminToken: string };
  marketplace: { url: string; apiKey: string };
  wmsUrl: string;
  everyMs: { erpSnapshot: number; erpImportLag: number; marketplaceCron: number; pdpCache: number };
}

export interface NaiveSync {
  /** What a cached product page shows (≤ `pdpCache` old): Shopify's sum of `available`. */
  pdpStock(sku: string): Promise<number>;
  stop(): Promise<void>;
}

const stockSchema = z.record(z.string(), z.record(z.string(), z.number()));
const openOrdersSchema = z.object({
  orders: z.array(z.object({ lines: z.array(z.object({ sku: z.string(), quantity: z.number(), locationId: z.string().optional(), status: z.string() })) })),
});
const inventorySchema = z.record(z.string(), z.record(z.string(), z.object({ available: z.number() })));
const setSchema = z.object({ inventorySetQuantities: z.object({ userErrors: z.array(z.object({ message: z.string() })) }).nullable() });

/** The ERP's view: warehouse units per location minus open orders it has routed there. */
export function erpSnapshot(
  stock: Record<string, Record<string, number>>,
  openLines: readonly { sku: string; quantity: number; locationId?: string | undefined }[],
  skus: readonly string[],
  locations: readonly string[],
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const sku of skus) out[sku] = Object.fromEntries(locations.map((l) => [l, stock[sku]?.[l] ?? 0]));
  for (const line of openLines) {
    const levels = out[line.sku];
    if (!levels) continue;
    const location = line.locationId ?? locations.find((l) => (levels[l] ?? 0) > 0) ?? locations[0]!;
    levels[location] = (levels[location] ?? 0) - line.quantity;
  }
  return out;
}

export async function startNaiveSync(opts: NaiveSyncOptions): Promise<NaiveSync> {
  const admin: ShopifyAdmin = createShopifyAdmin({
    SHOPIFY_STORE_DOMAIN: opts.shopify.domain,
    SHOPIFY_ADMIN_ACCESS_TOKEN: opts.shopify.adminToken,
    SHOPIFY_ADMIN_API_URL: opts.shopify.url,
    SHOPIFY_PLAN: "standard",
    SHOPIFY_REQUEST_TIMEOUT_MS: 10_000,
  });
  const market = createMarketplaceClient(opts.marketplace.url, opts.marketplace.apiKey);
  const locationIds = Object.keys(opts.locations);
  const items = await readShopify(admin, opts.skus, locationIds.length);
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const stopping = new AbortController();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error: unknown) => log.warn("naive_sync.failed", { error: error instanceof Error ? error.message : String(error) }));
    running.add(settled);
    void settled.finally(() => running.delete(settled));
  };
  const every = (ms: number, job: () => Promise<unknown>) => {
    const timer = setInterval(() => !stopped && track(job()), ms);
    timers.add(timer);
  };

  /** Snapshot now, import later: whatever sold in between is overwritten. */
  const erpCycle = async (importLagMs = opts.everyMs.erpImportLag) => {
    const [stock, open] = await Promise.all([
      getJson(`${opts.wmsUrl}/_emulator/stock`, stockSchema),
      getJson(`${opts.wmsUrl}/_emulator/orders?status=open`, openOrdersSchema),
    ]);
    const snapshot = erpSnapshot(
      stock,
      open.orders.flatMap((o) => o.lines.filter((l) => l.status === "open")),
      opts.skus,
      locationIds,
    );
    // The import job runs later; stopping cancels it (a cleared timer would leave this waiting forever).
    const cancelled = await sleep(importLagMs, false, { signal: stopping.signal }).catch(() => true);
    if (cancelled || stopped) return;
    const quantities = opts.skus.flatMap((sku) =>
      locationIds.map((loc) => ({
        inventoryItemId: items.get(sku)!.inventoryItemId,
        locationId: opts.locations[loc]!,
        quantity: Math.max(0, snapshot[sku]?.[loc] ?? 0),
        changeFromQuantity: null,
      })),
    );
    const result = await admin.request(
      SET_AVAILABLE_MUTATION,
      { key: randomUUID(), input: { name: "available", reason: "correction", referenceDocumentUri: "erp://snapshot", quantities } },
      setSchema,
    );
    log.info("naive_sync.erp_import", { skus: opts.skus.length, result: result.kind });
  };

  const marketplaceCron = async () => {
    const fresh = await readShopify(admin, opts.skus, locationIds.length);
    const listings = await market.listings(opts.skus);
    if (listings.kind !== "ok") return;
    for (const sku of opts.skus) {
      const total = [...(fresh.get(sku)?.available.values() ?? [])].reduce((n, v) => n + Math.max(0, v), 0);
      await market.setQuantity(randomUUID(), sku, total, listings.data.get(sku) ?? 0);
    }
    log.info("naive_sync.marketplace_cron", { skus: opts.skus.length });
  };

  const cache = new Map<string, { value: Promise<number>; at: number }>();
  const pdpStock = (sku: string): Promise<number> => {
    const hit = cache.get(sku);
    if (hit && Date.now() - hit.at < opts.everyMs.pdpCache) return hit.value;
    const value = getJson(`${opts.shopify.url}/_emulator/inventory?sku=${encodeURIComponent(sku)}`, inventorySchema).then((levels) =>
      Object.values(levels[sku] ?? {}).reduce((n, level) => n + Math.max(0, level.available), 0),
    );
    cache.set(sku, { value, at: Date.now() });
    return value;
  };

  // Before the sale: every channel starts from the same full sync, as the merchant would have it.
  await erpCycle(0);
  await marketplaceCron();
  every(opts.everyMs.erpSnapshot, () => erpCycle());
  every(opts.everyMs.marketplaceCron, marketplaceCron);
  return {
    pdpStock,
    stop: async () => {
      stopped = true;
      stopping.abort();
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(running);
    },
  };
}

async function readShopify(admin: ShopifyAdmin, skus: readonly string[], locations: number): Promise<Map<string, ShopifyItem>> {
  const result = await lookupItems(admin, skus, locations);
  if (result.kind !== "ok") throw new Error(`naive sync could not read Shopify: ${result.kind === "error" ? result.message : result.reason}`);
  return new Map(result.data.map((item) => [item.sku, item]));
}
