import type { Redis } from "@upstash/redis";
import { keys } from "./keys";

/**
 * Per-minute counters for the ops page's data-flow drawing: one small hash per minute
 * (`in:wms`, `lag:wms`, `out:shopify`, `cron:drain`, …), kept for two hours. Counting never
 * fails a request: errors are swallowed.
 */
const TTL_SECONDS = 2 * 60 * 60;
export const minuteOf = (ms: number) => Math.floor(ms / 60_000);

export function countMetrics(redis: Redis, fields: Readonly<Record<string, number>>, now = Date.now()): Promise<void> {
  const entries = Object.entries(fields).filter(([, v]) => v !== 0 && Number.isFinite(v));
  if (entries.length === 0) return Promise.resolve();
  const key = keys.metricsMinute(minuteOf(now));
  // Plain commands issued together: auto-pipelining sends them in the caller's round trip
  // (on /api/stock, the same HTTP request as the read) instead of a pipeline of their own.
  return Promise.all([...entries.map(([field, value]) => redis.hincrby(key, field, Math.round(value))), redis.expire(key, TTL_SECONDS)]).then(
    () => undefined,
    () => undefined,
  );
}

/** The last `minutes` minutes, oldest first (missing minutes are empty). */
export async function readMetrics(redis: Redis, minutes: number, now = Date.now()): Promise<Record<string, number>[]> {
  const last = minuteOf(now);
  const pipeline = redis.pipeline();
  for (let m = last - minutes + 1; m <= last; m++) pipeline.hgetall(keys.metricsMinute(m));
  const rows = await pipeline.exec<(Record<string, unknown> | null)[]>();
  return rows.map((row) => Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v) || 0])));
}
