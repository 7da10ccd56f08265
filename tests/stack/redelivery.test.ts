import { describe, expect, it } from "vitest";
import { applyAll, emptySkuState } from "@/lib/domain/projection";
import { parseWmsPayload } from "@/lib/sources/wms";
import { readSnapshots } from "@/lib/redis/projection-store";
import { postWms, testRedis, uniqueSku } from "../support/stack-client";
import { drainAll } from "../support/drain";

/**
 * At-least-once delivery at its worst, over HTTP: every event delivered three times, in
 * shuffled order, with old batches replayed later. The projection must equal the truth
 * computed by the pure model from each event once.
 */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

describe("webhooks delivered 3×, reordered, old deliveries replayed", () => {
  it("the projection equals the truth", async () => {
    const random = rng(42);
    const skus = [uniqueSku("TRIPLE"), uniqueSku("TRIPLE"), uniqueSku("TRIPLE")];
    const base = Date.parse("2026-11-27T09:00:00.000Z");
    const events = Array.from({ length: 90 }, (_, i) => {
      const sku = skus[i % 3]!;
      const kind = i < 6 ? "receipt" : (["receipt", "pick", "adjustment", "cycle_count", "return"] as const)[Math.floor(random() * 5)]!;
      const quantity = kind === "adjustment" ? (random() < 0.5 ? -1 : 2) : kind === "cycle_count" ? 10 + Math.floor(random() * 20) : 1 + Math.floor(random() * 4);
      return { id: `triple-${sku}-${i}`, type: kind, sku, locationId: random() < 0.5 ? "wh-east" : "wh-west", quantity, occurredAt: new Date(base + i * 1_000 + Math.floor(random() * 5_000)).toISOString() };
    });
    const deliveries = [...events, ...events, ...events];
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    // Batches of 7, then the first ten batches replayed at the end ("old deliveries").
    const batches: (typeof events)[] = [];
    for (let i = 0; i < deliveries.length; i += 7) batches.push(deliveries.slice(i, i + 7));
    for (const batch of [...batches, ...batches.slice(0, 10)]) expect((await postWms({ events: batch })).status).toBe(202);
    await drainAll();

    const snapshots = await readSnapshots(testRedis(), skus);
    for (const sku of skus) {
      const truth = applyAll(emptySkuState(), parseWmsPayload({ events: events.filter((e) => e.sku === sku) }));
      expect(snapshots.get(sku)?.projection.onHand).toEqual(truth.projection.onHand);
    }
  });
});
