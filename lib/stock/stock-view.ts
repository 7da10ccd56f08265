import type { Policy } from "../config/policy";
import { availableToSell } from "../domain/available";
import { stockStatus, type StockStatus } from "../domain/stock-status";
import type { SkuSnapshot } from "../domain/projection";

/** The public `/api/stock` payload (docs/architecture.md#http-routes). */
export interface LocationStock {
  available: number;
  name: string;
  pickup: boolean;
}
export interface SkuStock {
  available: number;
  status: StockStatus;
  locations: Record<string, LocationStock>;
}
export interface StockResponse {
  asOf: string;
  channel: string;
  /** How often a visible badge should ask again (Edge Config `storefront.refreshMs`). */
  refreshMs: number;
  skus: Record<string, SkuStock>;
}

/** What the storefront's channel may sell of one SKU, as the shopper should see it. */
export function skuStock(snapshot: SkuSnapshot | null, policy: Policy): SkuStock {
  if (!snapshot) return { available: 0, status: "unknown", locations: {} };
  const channelId = policy.storefront.channel;
  const channel = policy.channels[channelId];
  if (!channel || !channel.enabled) return { available: 0, status: "sold_out", locations: {} };
  const ats = availableToSell(snapshot.projection, channel, snapshot.buffers[channelId]);
  const locations = Object.fromEntries(
    Object.entries(ats.locations).map(([loc, available]) => {
      const info = policy.locations[loc];
      return [loc, { available, name: info?.name ?? loc, pickup: info?.pickup ?? false }];
    }),
  );
  return { available: ats.total, status: stockStatus(ats.total, policy.lowStockThreshold), locations };
}

export function stockResponse(snapshots: ReadonlyMap<string, SkuSnapshot | null>, policy: Policy, now: Date): StockResponse {
  return {
    asOf: now.toISOString(),
    channel: policy.storefront.channel,
    refreshMs: policy.storefront.refreshMs,
    skus: Object.fromEntries([...snapshots].map(([sku, snapshot]) => [sku, skuStock(snapshot, policy)])),
  };
}
