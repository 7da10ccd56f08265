import type { MarketplaceClient } from "../marketplace/client";
import { ANY_LOCATION, deltaOf, targetKey, type ChannelAdapter } from "./types";

/** The marketplace as a channel: one summed number per SKU, written as deltas (≤ 100 a call). */
export function marketplaceAdapter(client: MarketplaceClient): ChannelAdapter {
  return {
    channel: "marketplace",
    maxBatch: 100,
    writeCost: 1,
    // Published limit 10 requests/s, burst 20: stay below both.
    bucket: { capacity: 10, refillPerSecond: 8 },
    async readActual(targets) {
      const result = await client.listings([...new Set(targets.map((t) => t.sku))]);
      if (result.kind !== "ok") throw new Error(`marketplace read failed: ${result.kind === "error" ? result.message : result.reason}`);
      return new Map([...result.data].map(([sku, quantity]) => [targetKey(sku, ANY_LOCATION), quantity]));
    },
    async applyDeltas(batch) {
      const result = await client.adjust(batch.key, batch.items.map((i) => ({ sku: i.sku, delta: deltaOf(i) })));
      if (result.kind === "ok") return { ok: true };
      if (result.kind === "retry") return { ok: false, reason: result.reason, retryAfterMs: result.retryAfterMs };
      return { ok: false, permanent: `HTTP ${result.status}: ${result.message}` };
    },
  };
}
