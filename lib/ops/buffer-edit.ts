import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { channelSchema, skuSchema, type Channel } from "../domain/events";
import { markDirty } from "../redis/channel-store";
import { keys, projectionFields } from "../redis/keys";
import { decodeStoredList } from "../redis/stored-json";
import { readSnapshots } from "../redis/projection-store";

/**
 * The merchant's per-SKU safety buffer for one channel: validated, written to the SKU's
 * projection hash (where available-to-sell reads it), pushed to the channels at once, and
 * audited (who, when, from, to).
 */
export const bufferEditSchema = z.object({
  sku: skuSchema,
  channel: channelSchema,
  /** Empty: remove the override (the channel's default buffer from Edge Config applies). */
  buffer: z.union([z.literal("").transform(() => null), z.coerce.number().int("whole units").min(0, "0 or more").max(100_000, "at most 100,000")]),
});

/** `keys.bufferAudit`: who changed which buffer, when, from what to what. */
export const bufferAuditSchema = z.object({
  at: z.string(),
  sku: skuSchema,
  channel: channelSchema,
  from: z.number().nullable(),
  to: z.number().nullable(),
  by: z.string(),
});
export type BufferAudit = z.infer<typeof bufferAuditSchema>;

/** The audit list keeps the newest 5,000 edits. */
const BUFFER_AUDIT_MAX = 5_000;

export async function setBuffer(
  redis: Redis,
  edit: z.infer<typeof bufferEditSchema>,
  writableChannels: readonly Channel[],
  by: string,
  now = new Date(),
): Promise<BufferAudit | null> {
  const snapshot = (await readSnapshots(redis, [edit.sku])).get(edit.sku);
  if (!snapshot) return null;
  const field = projectionFields.buffer(edit.channel);
  const audit: BufferAudit = { at: now.toISOString(), sku: edit.sku, channel: edit.channel, from: snapshot.buffers[edit.channel] ?? null, to: edit.buffer, by };
  if (edit.buffer === null) await redis.hdel(keys.projection(edit.sku), field);
  else await redis.hset(keys.projection(edit.sku), { [field]: edit.buffer });
  await markDirty(redis, writableChannels, [{ sku: edit.sku, version: snapshot.version }]);
  await redis.lpush(keys.bufferAudit, JSON.stringify(audit));
  await redis.ltrim(keys.bufferAudit, 0, BUFFER_AUDIT_MAX - 1);
  return audit;
}

export async function readBufferAudit(redis: Redis, sku?: string, limit = 50): Promise<BufferAudit[]> {
  const raw = await redis.lrange(keys.bufferAudit, 0, 999);
  return decodeStoredList(bufferAuditSchema, raw)
    .filter((a) => !sku || a.sku === sku)
    .slice(0, limit);
}
