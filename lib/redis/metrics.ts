import type { Redis } from "@upstash/redis";

/**
 * Per-minute counters for the ops page's data-flow drawing: one small hash per minute
 * (`in:wms`, `lag:wms`, `out:shopify`, `cron:drain`, …), kept for two hours. Counting never
 * fails a request: errors are swallowed.
 */
const TTL_SECONDS = 2 * 60 * 60;
export const minuteKey = (minute: number) => `metrics:${minute}`;
export const minuteOf = (ms: number) => Math.floor(ms / 60_000);

export function countMetrics(redis: Redis, fields: Readonly<Record<string, number>>, now = Date.now()): Promise<void> {
  const entries = Object.entries(fields).filter(([, v]) => v !== 0 && Number.isFinite(v));
  if (entries.length === 0) return Promise.resolve();
  const key = minuteKey(minuteOf(now));
  const pipeline = redis.pipeline();
  for (const [field, value] of entries) pipeline.hincrby(key, field, Math.round(value));
  pipeline.expire(key, TTL_SECONDS);
  return pipeline.exec().then(
    () => undefined,
    () => undefined,
  );
}

/** The last `minutes` minutes, oldest first (missing minutes are empty). */
export async function readMetrics(redis: Redis, minutes: number, now = Date.now()): Promise<Record<string, number>[]> {
  const last = minuteOf(now);
  const pipeline = redis.pipeline();
  for (let m = last - minutes + 1; m <= last; m++) pipeline.hgetall(minuteKey(m));
  const rows = await pipeline.exec<(Record<string, unknown> | null)[]>();
  return rows.map((row) => Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v) || 0])));
}
