import type { Redis } from "@upstash/redis";
import type { Policy } from "../config/policy";
import { failure, ok, retry } from "../http/call-result";
import { log } from "../log";
import { shopifyItemsKey } from "../redis/keys";
import type { ShopifyAdmin, ThrottleStatus } from "../shopify/admin-client";
import { waitForTokens } from "../redis/token-bucket";
import { adjustAvailable, findItems, itemsPageCost, SKUS_PER_LOOKUP, type SkuItems } from "../shopify/inventory";
import { readWithRetry } from "./retry-reads";
import { type ChannelAdapter, type RejectedWrite, type WriteResult } from "./types";
import { deltaOf, targetKey, type WriteBatch } from "../domain/channel-targets";

/**
 * Shopify as a channel: per-location `available`, written as deltas with
 * `inventoryAdjustQuantities` (`changeFromQuantity: null`, `@idempotent(key:)`), up to 250
 * changes per mutation, inside a token bucket at half Shopify's bucket and 80 % of its restore
 * rate — sized from each answer's `throttleStatus` (the plan table is only the start: Shopify
 * may lower limits, https://shopify.dev/docs/api/usage/limits). SKU → inventory item ids are
 * cached in Redis (`shopify:items`), evicted when Shopify says the item is gone and on every
 * products/* webhook (`forgetShopifyItems`).
 */
export const SHOPIFY_MAX_CHANGES = 250;

/** Codes of items we refuse before asking Shopify (shown on /ops like Shopify's own). */
export const UNKNOWN_SKU = "UNKNOWN_SKU";
export const DUPLICATE_SKU = "DUPLICATE_SKU";
export const UNMAPPED_LOCATION = "UNMAPPED_LOCATION";

const budgetLeft = (t: ThrottleStatus | null) => (t ? t.currentlyAvailable / t.maximumAvailable : undefined);

/** The catalog changed at Shopify (products/create, update, delete): every cached item id may be stale. */
export const forgetShopifyItems = (redis: Redis): Promise<number> => redis.del(shopifyItemsKey);

export function shopifyAdapter(admin: ShopifyAdmin, redis: Redis, policy: Policy): ChannelAdapter {
  const bucket = { capacity: admin.plan.bucketSize / 2, refillPerSecond: admin.plan.restoreRate * 0.8 };
  // What Shopify reports for this app and shop is the truth; keep adopting it.
  const adopt = (t: ThrottleStatus | null) => {
    if (!t || t.maximumAvailable <= 0 || t.restoreRate <= 0) return;
    bucket.capacity = t.maximumAvailable / 2;
    bucket.refillPerSecond = t.restoreRate * 0.8;
  };
  const gidOf = (location: string) => policy.locations[location]?.shopifyLocationId;
  const locationOf = new Map(Object.entries(policy.locations).flatMap(([id, l]) => (l.shopifyLocationId ? [[l.shopifyLocationId, id] as const] : [])));
  const policyGids = [...locationOf.keys()];

  /** Every item of these SKUs with its levels at the policy's locations; single-item SKUs are cached. */
  async function lookup(skus: readonly string[]): Promise<SkuItems[]> {
    // Reads share the write budget: Shopify charges them to the same bucket.
    const found = await readWithRetry("Shopify lookup", async () => {
      const result = await findItems(admin, skus, policyGids, async () => {
        await waitForTokens(redis, "shopify", bucket, itemsPageCost(skus.length, policyGids.length));
      });
      if (result.kind !== "error") adopt(result.throttle);
      return result;
    });
    const single = found.filter((s) => s.items.length === 1);
    if (single.length) await redis.hset(shopifyItemsKey, Object.fromEntries(single.map((s) => [s.sku, s.items[0]!.inventoryItemId])));
    return found;
  }

  /** SKU → its inventory item ids (two or more: a duplicate SKU). */
  async function itemIds(skus: readonly string[]): Promise<Map<string, string[]>> {
    const unique = [...new Set(skus)];
    const cached = unique.length ? ((await redis.hmget<Record<string, string>>(shopifyItemsKey, ...unique)) ?? {}) : {};
    const ids = new Map<string, string[]>(unique.flatMap((s): [string, string[]][] => (typeof cached[s] === "string" ? [[s, [cached[s]]]] : [])));
    const missing = unique.filter((s) => !ids.has(s));
    for (let i = 0; i < missing.length; i += SKUS_PER_LOOKUP) {
      for (const found of await lookup(missing.slice(i, i + SKUS_PER_LOOKUP)))
        ids.set(
          found.sku,
          found.items.map((item) => item.inventoryItemId),
        );
    }
    return ids;
  }

  return {
    channel: "shopify",
    maxBatch: SHOPIFY_MAX_CHANGES,
    writeCost: 10,
    bucket,

    /** A location where an item has no level is not stocked there: no belief, never read as 0. A duplicate SKU gets none either. */
    async readActual(targets) {
      const skus = [...new Set(targets.map((t) => t.sku))];
      const actual = new Map<string, number>();
      for (let i = 0; i < skus.length; i += SKUS_PER_LOOKUP) {
        for (const found of await lookup(skus.slice(i, i + SKUS_PER_LOOKUP))) {
          if (found.items.length !== 1) continue;
          for (const [gid, available] of found.items[0]!.available) {
            const location = locationOf.get(gid);
            if (location) actual.set(targetKey(found.sku, location), available);
          }
        }
      }
      return actual;
    },

    async applyDeltas(batch: WriteBatch): Promise<WriteResult> {
      const ids = await itemIds(batch.items.map((i) => i.sku));
      // Items that cannot be sent are refused here, alone; the rest goes on under a fresh key.
      const unsendable: RejectedWrite[] = [];
      batch.items.forEach((item, index) => {
        const items = ids.get(item.sku) ?? [];
        if (items.length === 0) unsendable.push({ index, code: UNKNOWN_SKU, message: `Shopify has no inventory item with SKU ${item.sku}` });
        else if (items.length > 1)
          unsendable.push({
            index,
            code: DUPLICATE_SKU,
            message: `${items.length} Shopify inventory items share SKU ${item.sku}: give each its own SKU (we cannot tell which one holds our stock)`,
          });
        else if (!gidOf(item.location))
          unsendable.push({ index, code: UNMAPPED_LOCATION, message: `location ${item.location} has no shopifyLocationId in the policy` });
      });
      if (unsendable.length > 0) {
        for (const r of unsendable)
          log.warn("channel.unmapped_target", { channel: "shopify", sku: batch.items[r.index]?.sku, location: batch.items[r.index]?.location, code: r.code });
        return { kind: "rejected", items: unsendable };
      }
      const changes = batch.items.map((item) => ({ inventoryItemId: ids.get(item.sku)![0]!, locationId: gidOf(item.location)!, delta: deltaOf(item) }));
      if (changes.length === 0) return failure("no Shopify inventory item or location for these SKUs");
      const result = await adjustAvailable(admin, batch.key, changes, `stock-layer://sync/${batch.key}`);
      if (result.kind !== "error") adopt(result.throttle);
      switch (result.kind) {
        case "ok": {
          const left = budgetLeft(result.throttle);
          if (result.data === null) return { ...ok({}), budgetLeft: left };
          if (result.data.kind === "not_applied") {
            log.warn("channel.write_not_applied", { channel: "shopify", key: batch.key, code: result.data.code });
            return { kind: "rejected", items: [], budgetLeft: left };
          }
          // A stale item id (the variant was deleted and re-created): forget it and look it up once more.
          const stale = result.data.changes.filter((c) => c.code === "INVALID_INVENTORY_ITEM").map((c) => batch.items[c.index]!.sku);
          if (stale.length) await redis.hdel(shopifyItemsKey, ...stale);
          return {
            kind: "rejected",
            items: result.data.changes.map((c) => ({ ...c, again: c.code === "INVALID_INVENTORY_ITEM" })),
            budgetLeft: left,
          };
        }
        case "retry":
          return { ...retry(result.reason, result.retryAfterMs), budgetLeft: budgetLeft(result.throttle) };
        case "error":
          return result;
      }
    },
  };
}
