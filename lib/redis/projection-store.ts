import type { Redis } from "@upstash/redis";
import { z } from "zod";
import type { StockEvent } from "../domain/events";
import { timeOf, type Effect } from "../domain/projection";
import { keys } from "./keys";
import type { SkuSnapshot } from "../domain/projection";
import { decodeProjectionHash } from "./projection-codec";
import { runScript } from "./run-script";
import { APPLY_EVENT_LUA } from "./scripts/apply-event";

/** Ledger entries kept per SKU (approximate trim); older history belongs in an archive. */
export const LEDGER_MAX_LENGTH = 10_000;

export interface ApplyOutcome {
  event: StockEvent;
  effect: Effect;
  snapshot: SkuSnapshot | null;
  /** Change of what the line's selling channel has taken off its own count (0 when no line). */
  lineDelta: number;
  /** Location the line's reservation sits at, `null` when unassigned. */
  lineLocation: string | null;
}

const scriptResultSchema = z.tuple([
  z.enum(["applied", "duplicate", "subsumed", "stale_count"]),
  z.array(z.unknown()),
  z.coerce.number().int(),
  z.union([z.string(), z.number()]).transform(String),
]);

/**
 * Apply events, each atomically in its SKU's Lua script (I4). Concurrent calls share one
 * HTTP round trip through the client's auto-pipelining.
 */
export async function applyEvents(redis: Redis, events: readonly StockEvent[], now = Date.now()): Promise<ApplyOutcome[]> {
  const [first, ...rest] = [...new Set(events.map((e) => e.sku))].map((member) => ({ score: now, member }));
  const [outcomes] = await Promise.all([
    Promise.all(
      events.map(async (event) => {
        const loc = "locationId" in event && event.locationId !== undefined ? event.locationId : "-";
        const raw = await runScript(
          redis,
          APPLY_EVENT_LUA,
          [
            keys.projection(event.sku),
            keys.applied(event.sku),
            keys.counts(event.sku),
            keys.movements(event.sku, loc),
            keys.lines(event.sku),
            keys.ledger(event.sku),
          ],
          [JSON.stringify(event), String(timeOf(event.occurredAt)), String(now), String(LEDGER_MAX_LENGTH)],
        );
        const [effect, hash, lineDelta, lineLocation] = scriptResultSchema.parse(raw);
        return { event, effect, snapshot: decodeProjectionHash(hash), lineDelta, lineLocation: lineLocation === "" ? null : lineLocation };
      }),
    ),
    first ? redis.zadd(keys.trackedSkus, { nx: true }, first, ...rest) : null,
  ]);
  return outcomes;
}

/** Snapshots of up to a few hundred SKUs in one round trip; `null` for SKUs never seen. */
export async function readSnapshots(redis: Redis, skus: readonly string[]): Promise<Map<string, SkuSnapshot | null>> {
  if (skus.length === 0) return new Map();
  const pipeline = redis.pipeline();
  for (const sku of skus) pipeline.hgetall(keys.projection(sku));
  const hashes = await pipeline.exec<(Record<string, unknown> | null)[]>();
  return new Map(skus.map((sku, i) => [sku, decodeProjectionHash(hashes[i])]));
}
