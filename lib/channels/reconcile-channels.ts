import type { Redis } from "@upstash/redis";
import type { Policy } from "../config/policy";
import type { Channel } from "../domain/events";
import { ok, retry, type CallResult } from "../http/call-result";
import type { StockContext } from "../context";
import type { MarketplaceClient } from "../marketplace/client";
import { waitForTokens } from "../redis/token-bucket";
import type { ShopifyAdmin } from "../shopify/admin-client";
import { findItems, itemsPageCost, SKUS_PER_LOOKUP } from "../shopify/inventory";
import { levelsPageCost, readLocationLevels, setAvailableCas } from "../shopify/reconcile-inventory";
import { marketplaceAdapter } from "./marketplace-adapter";
import { shopifyAdapter } from "./shopify-adapter";
import { ANY_LOCATION } from "../domain/channel-targets";

/**
 * What the drift pass needs from a channel: read what it really holds, page by page (the
 * sweep is resumable from any page's cursor), and set absolute values with compare-and-swap
 * against the values just read. Reads and writes spend the channel's shared token bucket.
 */
export interface ObservedLevel {
  sku: string;
  location: string;
  actual: number;
  /** The channel's own id for the thing (Shopify inventory item gid), when it has one. */
  ref: string | null;
}

export interface CasItem extends ObservedLevel {
  /** What it should hold. `actual` is the compare-and-swap guard. */
  to: number;
}

/** One page of a channel's levels and the cursor of the next (null: the segment is done). */
export type PageRead = CallResult<{ observed: ObservedLevel[]; next: string | null }>;
/** Which items landed and which were refused because the channel moved since the read; a retry hint or an error stops the rest. */
export interface CasOutcome {
  applied: CasItem[];
  stale: CasItem[];
  retryAfterMs?: number;
  error?: string;
}

/** Tracked SKUs by rank, so a sweep over our own list can resume at an offset. */
export type TrackedPage = (offset: number, count: number) => Promise<string[]>;

export interface ReconcileChannel {
  channel: Channel;
  /** Sweep segments in order: Shopify one per location, the marketplace one. */
  segments: string[];
  /** Expected observations in a full pass, for progress. */
  estimate(trackedSkus: number): number;
  readPage(segment: string, cursor: string | null, tracked: TrackedPage): Promise<PageRead>;
  /** Read specific targets again (after a compare-and-swap found them moved). */
  readTargets(targets: readonly { sku: string; location: string }[]): Promise<ObservedLevel[]>;
  setCas(key: string, items: readonly CasItem[]): Promise<CasOutcome>;
}

function shopifyReconcile(admin: ShopifyAdmin, redis: Redis, policy: Policy): ReconcileChannel | null {
  const channel = policy.channels.shopify;
  if (!channel) return null;
  const { bucket } = shopifyAdapter(admin, redis, policy);
  const locations = channel.locations.flatMap((id) => {
    const gid = policy.locations[id]?.shopifyLocationId;
    return gid ? [{ id, gid }] : [];
  });
  const byGid = new Map(locations.map((l) => [l.gid, l.id]));
  return {
    channel: "shopify",
    segments: locations.map((l) => l.gid),
    estimate: (tracked) => tracked * locations.length,
    async readPage(segment, cursor) {
      await waitForTokens(redis, "shopify", bucket, levelsPageCost(250));
      const result = await readLocationLevels(admin, segment, cursor);
      if (result.kind === "retry") return retry(result.reason, result.retryAfterMs);
      if (result.kind === "error") return result;
      const location = byGid.get(segment) ?? segment;
      return ok({ observed: result.data.levels.map((l) => ({ sku: l.sku, location, actual: l.available, ref: l.inventoryItemId })), next: result.data.next });
    },
    async readTargets(targets) {
      const skus = [...new Set(targets.map((t) => t.sku))];
      const observed: ObservedLevel[] = [];
      for (let i = 0; i < skus.length; i += SKUS_PER_LOOKUP) {
        const page = skus.slice(i, i + SKUS_PER_LOOKUP);
        // Exact SKUs through the tokenized search, one level per policy location; a duplicate SKU is not ours to set.
        const result = await findItems(
          admin,
          page,
          locations.map((l) => l.gid),
          () => waitForTokens(redis, "shopify", bucket, itemsPageCost(page.length, locations.length)).then(() => undefined),
        );
        if (result.kind !== "ok") continue;
        for (const found of result.data) {
          const item = found.items.length === 1 ? found.items[0]! : null;
          for (const [gid, actual] of item?.available ?? []) {
            const location = byGid.get(gid);
            if (location && item) observed.push({ sku: found.sku, location, actual, ref: item.inventoryItemId });
          }
        }
      }
      return observed;
    },
    async setCas(key, items) {
      await waitForTokens(redis, "shopify", bucket, 10);
      const quantities = items.flatMap((i) => {
        const locationId = policy.locations[i.location]?.shopifyLocationId;
        return i.ref && locationId ? [{ inventoryItemId: i.ref, locationId, quantity: i.to, changeFromQuantity: i.actual }] : [];
      });
      const result = await setAvailableCas(admin, key, quantities, `stock-layer://reconcile/${key}`);
      // All-or-nothing at Shopify: one moved level refuses the whole set.
      switch (result.kind) {
        case "ok":
          return result.data === "applied" ? { applied: [...items], stale: [] } : { applied: [], stale: [...items] };
        case "retry":
          return { applied: [], stale: [], retryAfterMs: result.retryAfterMs };
        case "error":
          return { applied: [], stale: [], error: result.message };
      }
    },
  };
}

const MARKETPLACE_PAGE = 100;

function marketplaceReconcile(client: MarketplaceClient, redis: Redis, policy: Policy): ReconcileChannel | null {
  if (!policy.channels.marketplace) return null;
  const { bucket } = marketplaceAdapter(client);
  return {
    channel: "marketplace",
    segments: [ANY_LOCATION],
    estimate: (tracked) => tracked,
    async readPage(_segment, cursor, tracked) {
      const offset = Number(cursor ?? 0);
      const skus = await tracked(offset, MARKETPLACE_PAGE);
      if (skus.length === 0) return ok({ observed: [], next: null });
      await waitForTokens(redis, "marketplace", bucket, 1);
      const result = await client.listings(skus);
      if (result.kind !== "ok") return result;
      const observed = [...result.data].map(([sku, actual]) => ({ sku, location: ANY_LOCATION, actual, ref: null }));
      return ok({ observed, next: skus.length < MARKETPLACE_PAGE ? null : String(offset + skus.length) });
    },
    async readTargets(targets) {
      const skus = [...new Set(targets.map((t) => t.sku))].slice(0, MARKETPLACE_PAGE);
      await waitForTokens(redis, "marketplace", bucket, 1);
      const result = await client.listings(skus);
      return result.kind === "ok" ? [...result.data].map(([sku, actual]) => ({ sku, location: ANY_LOCATION, actual, ref: null })) : [];
    },
    async setCas(key, items) {
      const outcome: CasOutcome = { applied: [], stale: [] };
      for (const [i, item] of items.entries()) {
        await waitForTokens(redis, "marketplace", bucket, 1);
        const result = await client.setQuantity(`${key}-${i}`, item.sku, item.to, item.actual);
        if (result.kind === "ok") outcome.applied.push(item);
        else if (result.kind === "error" && result.status === 409) outcome.stale.push(item);
        else return { ...outcome, ...(result.kind === "retry" ? { retryAfterMs: result.retryAfterMs } : { error: result.message }) };
      }
      return outcome;
    },
  };
}

/** The channels a drift pass checks: configured and in the policy (the ERP only receives). */
export function reconcileChannels({ redis, clients: { shopify, marketplace } }: Pick<StockContext, "redis" | "clients">, policy: Policy): ReconcileChannel[] {
  return [shopify ? shopifyReconcile(shopify, redis, policy) : null, marketplace ? marketplaceReconcile(marketplace, redis, policy) : null].filter(
    (c): c is ReconcileChannel => c !== null,
  );
}
