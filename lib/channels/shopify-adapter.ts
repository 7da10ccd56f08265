import type { Redis } from "@upstash/redis";
import type { Policy } from "../config/policy";
import { failure, ok, retry } from "../http/call-result";
import { log } from "../log";
import { shopifyItemsKey } from "../redis/keys";
import type { ShopifyAdmin, ThrottleStatus } from "../shopify/admin-client";
import { waitForTokens } from "../redis/token-bucket";
import { adjustAvailable, lookupCost, lookupItems, SKUS_PER_LOOKUP, type ShopifyItem } from "../shopify/inventory";
import { readWithRetry } from "./retry-reads";
import { type ChannelAdapter, type WriteResult } from "./types";
import { deltaOf, targetKey, type WriteBatch } from "../domain/channel-targets";

/**
 * Shopify as a channel: per-location `available`, written as deltas with
 * `inventoryAdjustQuantities` (`changeFromQuantity: null`, `@idempotent(key:)`), up to 250
 * changes per mutation, inside a token bucket at half Shopify's bucket and 80 % of its restore
 * rate. SKU → inventory item ids are looked up once and cached in Redis.
 */
export const SHOPIFY_MAX_CHANGES = 250;

const budgetLeft = (t: ThrottleStatus | null) => (t ? t.currentlyAvailable / t.maximumAvailable : undefined);

export function shopifyAdapter(admin: ShopifyAdmin, redis: Redis, policy: Policy): ChannelAdapter {
  const bucket = { capacity: admin.plan.bucketSize / 2, refillPerSecond: admin.plan.restoreRate * 0.8 };
  const gidOf = (location: string) => policy.locations[location]?.shopifyLocationId;
  const locationOf = new Map(Object.entries(policy.locations).flatMap(([id, l]) => (l.shopifyLocationId ? [[l.shopifyLocationId, id] as const] : [])));

  async function lookup(skus: readonly string[]): Promise<ShopifyItem[]> {
    // Reads share the write budget: Shopify charges them to the same bucket.
    await waitForTokens(redis, "shopify", bucket, lookupCost(skus.length, locationOf.size));
    const items = await readWithRetry("Shopify lookup", () => lookupItems(admin, skus, locationOf.size));
    if (items.length) await redis.hset(shopifyItemsKey, Object.fromEntries(items.map((item) => [item.sku, item.inventoryItemId])));
    return items;
  }

  async function itemIds(skus: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(skus)];
    const cached = unique.length ? ((await redis.hmget<Record<string, string>>(shopifyItemsKey, ...unique)) ?? {}) : {};
    const ids = new Map(unique.flatMap((s) => (typeof cached[s] === "string" ? [[s, cached[s]] as const] : [])));
    const missing = unique.filter((s) => !ids.has(s));
    for (let i = 0; i < missing.length; i += SKUS_PER_LOOKUP) {
      for (const item of await lookup(missing.slice(i, i + SKUS_PER_LOOKUP))) ids.set(item.sku, item.inventoryItemId);
    }
    return ids;
  }

  return {
    channel: "shopify",
    maxBatch: SHOPIFY_MAX_CHANGES,
    writeCost: 10,
    bucket,

    async readActual(targets) {
      const skus = [...new Set(targets.map((t) => t.sku))];
      const actual = new Map<string, number>();
      for (let i = 0; i < skus.length; i += SKUS_PER_LOOKUP) {
        for (const item of await lookup(skus.slice(i, i + SKUS_PER_LOOKUP))) {
          for (const [gid, available] of item.available) {
            const location = locationOf.get(gid);
            if (location) actual.set(targetKey(item.sku, location), available);
          }
        }
      }
      return actual;
    },

    async applyDeltas(batch: WriteBatch): Promise<WriteResult> {
      const ids = await itemIds(batch.items.map((i) => i.sku));
      const changes = batch.items.flatMap((item) => {
        const inventoryItemId = ids.get(item.sku);
        const locationId = gidOf(item.location);
        if (!inventoryItemId || !locationId) {
          log.warn("channel.unmapped_target", { channel: "shopify", sku: item.sku, location: item.location });
          return [];
        }
        return [{ inventoryItemId, locationId, delta: deltaOf(item) }];
      });
      if (changes.length === 0) return failure("no Shopify inventory item or location for these SKUs");
      const result = await adjustAvailable(admin, batch.key, changes, `stock-layer://sync/${batch.key}`);
      switch (result.kind) {
        case "ok":
          return { ...ok({}), budgetLeft: budgetLeft(result.throttle) };
        case "retry":
          return { ...retry(result.reason, result.retryAfterMs), budgetLeft: budgetLeft(result.throttle) };
        case "error":
          return result;
      }
    },
  };
}
