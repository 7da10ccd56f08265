import type { Redis } from "@upstash/redis";
import { z } from "zod";
import type { Channel } from "../domain/events";
import { deltaOf, targetKey, type WriteBatch, type WriteItem } from "../domain/channel-targets";
import { decodeStored } from "./stored-json";
import { channelKeys } from "./keys";
import { runScript } from "./run-script";
import { ADJUST_BELIEVED_LUA, CLEAR_DIRTY_LUA, COMPLETE_BATCH_LUA } from "./scripts/channel-scripts";

/** The outbound state of each channel in Redis: dirty SKUs, beliefs, batches in flight. */
const SYNC_LOG_MAX = 10_000;

export async function markDirty(redis: Redis, channels: readonly Channel[], entries: readonly { sku: string; version: number }[]): Promise<void> {
  if (channels.length === 0 || entries.length === 0) return;
  const fields = Object.fromEntries(entries.map((e) => [e.sku, e.version]));
  await Promise.all(channels.map((c) => redis.hset(channelKeys.dirty(c), fields)));
}

/** Up to `count` dirty SKUs with the version each was marked at. */
export async function readDirty(redis: Redis, channel: Channel, count: number): Promise<{ sku: string; version: string }[]> {
  const [, flat] = await redis.hscan(channelKeys.dirty(channel), 0, { count });
  const out: { sku: string; version: string }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ sku: String(flat[i]), version: String(flat[i + 1]) });
  return out.slice(0, count);
}

export const dirtyCount = (redis: Redis, channel: Channel): Promise<number> => redis.hlen(channelKeys.dirty(channel));

export async function clearDirty(redis: Redis, channel: Channel, entries: readonly { sku: string; version: string }[]): Promise<void> {
  if (entries.length === 0) return;
  await runScript(
    redis,
    CLEAR_DIRTY_LUA,
    [channelKeys.dirty(channel)],
    entries.flatMap((e) => [e.sku, e.version]),
  );
}

export async function readBelieved(redis: Redis, channel: Channel, targets: readonly string[]): Promise<Map<string, number>> {
  if (targets.length === 0) return new Map();
  const values = await redis.hmget<Record<string, unknown>>(channelKeys.believed(channel), ...targets);
  const out = new Map<string, number>();
  for (const target of targets) {
    const n = z.coerce.number().int().safeParse(values?.[target]);
    if (values?.[target] !== null && values?.[target] !== undefined && n.success) out.set(target, n.data);
  }
  return out;
}

export async function setBelieved(redis: Redis, channel: Channel, values: ReadonlyMap<string, number>): Promise<void> {
  if (values.size === 0) return;
  await redis.hset(channelKeys.believed(channel), Object.fromEntries(values));
}

/** These SKUs' per-location split must be re-read before their next write (see `resplitBeliefs`). */
export async function markResplit(redis: Redis, channel: Channel, skus: readonly string[]): Promise<void> {
  if (skus.length > 0) await redis.sadd(channelKeys.resplit(channel), skus[0]!, ...skus.slice(1));
}

/** Take the marks of these SKUs, atomically in one round trip (a mark set afterwards stays for the next round). */
export async function takeResplit(redis: Redis, channel: Channel, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const key = channelKeys.resplit(channel);
  const [marked] = await redis
    .multi()
    .smismember(key, [...skus])
    .srem(key, ...skus)
    .exec<[number[], number]>();
  return skus.filter((_, i) => marked[i] === 1);
}

export async function adjustBelieved(
  redis: Redis,
  channel: Channel,
  adjustments: readonly { eventId: string; target: string; delta: number }[],
): Promise<void> {
  const args = adjustments.filter((a) => a.delta !== 0).flatMap((a) => [a.eventId, a.target, String(a.delta)]);
  if (args.length > 0) await runScript(redis, ADJUST_BELIEVED_LUA, [channelKeys.believed(channel), channelKeys.sales(channel)], args);
}

const batchSchema = z.object({
  key: z.string(),
  items: z.array(z.object({ sku: z.string(), location: z.string(), from: z.number(), to: z.number(), version: z.number() })),
  attempt: z.number().int().min(0).optional(),
});

/** Persist the batch before sending it, so a crash mid-send re-sends it under the same key. */
export const saveInflight = (redis: Redis, channel: Channel, batch: WriteBatch): Promise<number> =>
  redis.hset(channelKeys.inflight(channel), { [batch.key]: JSON.stringify(batch) });

export async function listInflight(redis: Redis, channel: Channel): Promise<WriteBatch[]> {
  const all = (await redis.hgetall<Record<string, unknown>>(channelKeys.inflight(channel))) ?? {};
  return Object.values(all).flatMap((raw) => {
    const batch = decodeStored(batchSchema, raw);
    return batch ? [batch] : [];
  });
}

/** The channel applied the batch: beliefs move by what it applied (default: the deltas asked for), once, atomically with removing it. */
export async function completeBatch(redis: Redis, channel: Channel, batch: WriteBatch, now = Date.now(), applied?: readonly number[]): Promise<void> {
  await runScript(
    redis,
    COMPLETE_BATCH_LUA,
    [channelKeys.inflight(channel), channelKeys.believed(channel), channelKeys.log(channel), channelKeys.stats(channel)],
    [
      batch.key,
      String(now),
      String(SYNC_LOG_MAX),
      ...batch.items.flatMap((i: WriteItem, n) => [targetKey(i.sku, i.location), String(applied?.[n] ?? deltaOf(i))]),
    ],
  );
}

/** Remove a batch known not applied (it goes again under another key; nothing to log as refused). */
export const removeInflight = (redis: Redis, channel: Channel, batch: WriteBatch): Promise<number> => redis.hdel(channelKeys.inflight(channel), batch.key);

/** Drop a batch the channel refused for good (it stays in the sync log with the reason). */
export async function dropInflight(redis: Redis, channel: Channel, batch: WriteBatch, reason: string): Promise<void> {
  const pipeline = redis.pipeline();
  pipeline.hdel(channelKeys.inflight(channel), batch.key);
  pipeline.hincrby(channelKeys.stats(channel), "refused", 1);
  pipeline.xadd(channelKeys.log(channel), "*", { key: batch.key, refused: reason, at: String(Date.now()) });
  await pipeline.exec();
}

export const bumpStat = (redis: Redis, channel: Channel, field: string, by = 1): Promise<number> => redis.hincrby(channelKeys.stats(channel), field, by);

/**
 * Items a channel refused for good (a bundle parent, a deactivated location, a SKU it does not
 * know or holds twice), one per target, newest answer kept: shown on /ops. The SKU's dirty mark
 * is parked here with it (not cleared): `releaseRejected` puts it back after REJECTED_RETRY_MS
 * or when the catalog changes, so the write is tried again. Bounded by the targets (SKUs ×
 * locations) of the channel.
 */
export const REJECTED_RETRY_MS = 15 * 60_000;

const rejectedSchema = z.object({
  sku: z.string(),
  location: z.string(),
  code: z.string(),
  message: z.string(),
  at: z.number(),
  version: z.string(),
});
export type RejectedItem = z.infer<typeof rejectedSchema>;

/** Record the refusals and park their SKUs' dirty marks (a mark newer than `version` stays dirty). */
export async function rejectItems(redis: Redis, channel: Channel, items: readonly RejectedItem[]): Promise<void> {
  if (items.length === 0) return;
  await redis.hset(channelKeys.rejected(channel), Object.fromEntries(items.map((i) => [targetKey(i.sku, i.location), JSON.stringify(i)])));
  await runScript(
    redis,
    CLEAR_DIRTY_LUA,
    [channelKeys.dirty(channel)],
    items.flatMap((i) => [i.sku, i.version]),
  );
}

export async function listRejected(redis: Redis, channel: Channel, count: number): Promise<RejectedItem[]> {
  const [, flat] = await redis.hscan(channelKeys.rejected(channel), 0, { count });
  const out: RejectedItem[] = [];
  for (let i = 1; i < flat.length; i += 2) {
    const item = decodeStored(rejectedSchema, flat[i]);
    if (item) out.push(item);
  }
  return out.slice(0, count).sort((a, b) => a.sku.localeCompare(b.sku) || a.location.localeCompare(b.location));
}

/** Put parked marks back (refusals older than `olderThanMs`; 0 = all, e.g. the catalog changed) so the next flush tries again. */
export async function releaseRejected(redis: Redis, channel: Channel, now: number, olderThanMs = REJECTED_RETRY_MS): Promise<number> {
  const all = await listRejected(redis, channel, 10_000);
  const due = all.filter((i) => now - i.at >= olderThanMs);
  if (due.length === 0) return 0;
  await markDirty(
    redis,
    [channel],
    due.map((i) => ({ sku: i.sku, version: Number(i.version) })),
  );
  await redis.hdel(channelKeys.rejected(channel), ...due.map((i) => targetKey(i.sku, i.location)));
  return due.length;
}
