import { ok } from "../http/call-result";
import type { MarketplaceClient } from "../marketplace/client";
import { readWithRetry } from "./retry-reads";
import { type ChannelAdapter } from "./types";
import { ANY_LOCATION, deltaOf, targetKey } from "../domain/channel-targets";

const MAX_SKUS_PER_READ = 100;

/** The marketplace as a channel: one summed number per SKU, written as deltas (≤ 100 a call). */
export function marketplaceAdapter(client: MarketplaceClient): ChannelAdapter {
  return {
    channel: "marketplace",
    maxBatch: 100,
    writeCost: 1,
    // Published limit 10 requests/s, burst 20: stay below both.
    bucket: { capacity: 10, refillPerSecond: 8 },
    async readActual(targets) {
      const skus = [...new Set(targets.map((t) => t.sku))];
      const actual = new Map<string, number>();
      for (let i = 0; i < skus.length; i += MAX_SKUS_PER_READ) {
        const page = await readWithRetry("marketplace read", () => client.listings(skus.slice(i, i + MAX_SKUS_PER_READ)));
        for (const [sku, quantity] of page) actual.set(targetKey(sku, ANY_LOCATION), quantity);
      }
      return actual;
    },
    async applyDeltas(batch) {
      const result = await client.adjust(
        batch.key,
        batch.items.map((i) => ({ sku: i.sku, delta: deltaOf(i) })),
      );
      // A decrement past 0 applies only down to 0: believing the full delta would make a later
      // write add phantom units back (a loop the flash-sale harness caught).
      if (result.kind !== "ok") return result;
      return ok(result.data.items.length === batch.items.length ? { applied: result.data.items.map((i) => i.applied) } : {});
    },
  };
}
