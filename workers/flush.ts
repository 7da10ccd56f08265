import type { Redis } from "@upstash/redis";
import type { StockContext } from "@/lib/context";
import type { Policy } from "@/lib/config/policy";
import type { Channel } from "@/lib/domain/events";
import { planItems, retryBatch, toBatches, unknownTargets } from "@/lib/channels/plan";
import { writableChannels } from "@/lib/channels/registry";
import { type ChannelAdapter, type RejectedWrite } from "@/lib/channels/types";
import { targetKey, type WriteBatch } from "@/lib/domain/channel-targets";
import { errorMessage, log } from "@/lib/log";
import { channelKeys, metricFields } from "@/lib/redis/keys";
import { acquireLock, releaseLock } from "@/lib/redis/lock";
import { countMetrics } from "@/lib/redis/metrics";
import {
  bumpStat,
  clearDirty,
  dirtyCount,
  completeBatch,
  dropInflight,
  listInflight,
  readBelieved,
  readDirty,
  rejectItems,
  releaseRejected,
  removeInflight,
  saveInflight,
  setBelieved,
  takeResplit,
} from "@/lib/redis/channel-store";
import { resplitBeliefs } from "@/lib/channels/own-sales";
import { readSnapshots } from "@/lib/redis/projection-store";
import { correctTokens, waitForTokens } from "@/lib/redis/token-bucket";
import { alertCredentialsRefused } from "./auth-alert";
import { coalesce } from "@/lib/single-flight";

/**
 * Channel flush: for each writable channel, coalesce its dirty SKUs into writes of
 * desired − believed, batch them, and send them through the channel's token bucket with an
 * idempotency key. Batches are saved before they are sent and re-sent (same key) until the
 * channel confirms them, so a write is never dropped and never applied twice.
 */
export interface FlushStats {
  channel: Channel;
  skus: number;
  writes: number;
  items: number;
  retries: number;
  pending: number;
}

const DIRTY_PER_ROUND = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function flushChannels(ctx: StockContext, options: { maxMs?: number } = {}): Promise<FlushStats[]> {
  const policy = await ctx.policy();
  const deadline = Date.now() + (options.maxMs ?? 20_000);
  // One channel failing (down, misconfigured) must not hold back the others.
  const results = await Promise.allSettled(writableChannels(ctx, policy).map((adapter) => flushChannel(ctx.redis, adapter, policy, deadline)));
  return results.flatMap((r) => {
    if (r.status === "fulfilled") return [r.value];
    log.error("flush.channel_failed", { error: errorMessage(r.reason) });
    return [];
  });
}

/**
 * One flusher per channel at a time (a Redis lease): two flushers planning from the same
 * beliefs would send one change twice under different keys. Whoever holds the lease keeps
 * going while there is work, and looks once more after letting go.
 */
export async function flushChannel(redis: Redis, adapter: ChannelAdapter, policy: Policy, deadline: number): Promise<FlushStats> {
  const stats: FlushStats = { channel: adapter.channel, skus: 0, writes: 0, items: 0, retries: 0, pending: 0 };
  if (!policy.channels[adapter.channel]?.enabled) return stats;
  const lockKey = channelKeys.flushLock(adapter.channel);
  while (Date.now() < deadline) {
    const token = await acquireLock(redis, lockKey, deadline - Date.now() + 10_000);
    if (!token) return stats;
    try {
      await flushLocked(redis, adapter, policy, deadline, stats);
    } finally {
      await releaseLock(redis, lockKey, token);
    }
    if (stats.pending > 0 || (await dirtyCount(redis, adapter.channel)) === 0) return stats;
  }
  return stats;
}

async function flushLocked(redis: Redis, adapter: ChannelAdapter, policy: Policy, deadline: number, stats: FlushStats): Promise<FlushStats> {
  const channelPolicy = policy.channels[adapter.channel];
  if (!channelPolicy) return stats;

  // Refused items whose wait is over go back to dirty: the catalog may have been fixed since.
  await releaseRejected(redis, adapter.channel, Date.now());

  // First whatever a previous run left unconfirmed, under its original key.
  for (const batch of await listInflight(redis, adapter.channel)) {
    if (!(await send(redis, adapter, batch, deadline, stats))) {
      stats.pending++;
      return stats;
    }
  }

  while (Date.now() < deadline) {
    const dirty = await readDirty(redis, adapter.channel, DIRTY_PER_ROUND);
    if (dirty.length === 0) break;
    const skus = dirty.map((d) => d.sku);
    const locations = channelPolicy.locationAware ? channelPolicy.locations : ["*"];
    const [snapshots, believed] = await Promise.all([
      readSnapshots(redis, skus),
      readBelieved(
        redis,
        adapter.channel,
        skus.flatMap((s) => locations.map((l) => targetKey(s, l))),
      ),
    ]);

    const resplit = channelPolicy.locationAware ? await takeResplit(redis, adapter.channel, skus) : [];
    const resplitTargets = resplit.flatMap((s) => locations.map((l) => ({ sku: s, location: l })));
    const unknown = unknownTargets({ channel: adapter.channel, policy: channelPolicy, skus, believed }).filter((t) => !resplit.includes(t.sku));
    if (unknown.length > 0 || resplitTargets.length > 0) {
      const actual = await adapter.readActual([...unknown, ...resplitTargets]);
      const known = new Set(resplitTargets.map((t) => targetKey(t.sku, t.location)));
      const fresh = new Map([...actual].filter(([target]) => !known.has(target)));
      for (const sku of resplit) {
        // A location missing from the answer is not stocked there: left out, never read as 0.
        const split = resplitBeliefs(
          believed,
          new Map(locations.flatMap((l) => (actual.has(targetKey(sku, l)) ? [[targetKey(sku, l), actual.get(targetKey(sku, l))!] as const] : []))),
        );
        for (const [target, n] of split) fresh.set(target, n);
      }
      await setBelieved(redis, adapter.channel, fresh);
      for (const [target, n] of fresh) believed.set(target, n);
    }

    const items = planItems({ channel: adapter.channel, policy: channelPolicy, snapshots, believed });
    for (const batch of toBatches(adapter.channel, items, adapter.maxBatch)) {
      await saveInflight(redis, adapter.channel, batch);
      if (!(await send(redis, adapter, batch, deadline, stats))) {
        stats.pending++;
        return stats;
      }
    }
    await clearDirty(redis, adapter.channel, dirty);
    stats.skus += dirty.length;
  }
  return stats;
}

/** Send one saved batch until the channel confirms it or the time budget runs out. */
async function send(redis: Redis, adapter: ChannelAdapter, batch: WriteBatch, deadline: number, stats: FlushStats): Promise<boolean> {
  while (Date.now() < deadline) {
    if (!(await waitForTokens(redis, adapter.channel, adapter.bucket, adapter.writeCost, deadline))) return false;
    const started = Date.now();
    const result = await adapter.applyDeltas(batch);
    if (result.kind !== "error" && result.budgetLeft !== undefined) await correctTokens(redis, adapter.channel, result.budgetLeft * adapter.bucket.capacity);
    switch (result.kind) {
      case "ok":
        await completeBatch(redis, adapter.channel, batch, Date.now(), result.data.applied);
        stats.writes++;
        stats.items += batch.items.length;
        log.info("channel.write", {
          channel: adapter.channel,
          key: batch.key,
          items: batch.items.length,
          skus: batch.items.slice(0, 5).map((i) => i.sku),
          ms: Date.now() - started,
        });
        void countMetrics(redis, { [metricFields.out(adapter.channel)]: 1, [metricFields.outMs(adapter.channel)]: Date.now() - started });
        return true;
      case "error": {
        const reason = result.status === undefined ? result.message : `HTTP ${result.status}: ${result.message}`;
        log.error("channel.write_refused", { channel: adapter.channel, key: batch.key, reason, skus: batch.items.slice(0, 5).map((i) => i.sku) });
        await dropInflight(redis, adapter.channel, batch, reason);
        return true;
      }
      case "rejected":
        return resend(redis, adapter, batch, result.items, deadline, stats);
      case "retry":
        stats.retries++;
        await bumpStat(redis, adapter.channel, result.reason);
        if (result.reason === "auth") await alertCredentialsRefused(redis, adapter.channel, batch.key);
        log.warn("channel.write_retry", { channel: adapter.channel, key: batch.key, reason: result.reason, retryAfterMs: result.retryAfterMs });
        await sleep(Math.min(result.retryAfterMs, Math.max(0, deadline - Date.now())));
    }
  }
  return false;
}

/** Fresh-key attempts of one set of changes within a run; past it the batch waits in flight for the next run. */
const MAX_ATTEMPTS = 4;

/**
 * Nothing of `batch` landed. Items refused for good are recorded for /ops with the channel's
 * code and their dirty marks parked (channel-store rejectItems; never cleared); the rest goes
 * again at once under a fresh key (the input changed, or the old key is spent), so one bad item
 * never holds back the other 249. `again` items (re-resolved by the adapter) go along once more.
 */
async function resend(
  redis: Redis,
  adapter: ChannelAdapter,
  batch: WriteBatch,
  rejected: readonly RejectedWrite[],
  deadline: number,
  stats: FlushStats,
): Promise<boolean> {
  const attempt = (batch.attempt ?? 0) + 1;
  const refused = rejected.filter((r) => !r.again || attempt >= MAX_ATTEMPTS);
  const now = Date.now();
  const records = refused.flatMap((r) => {
    const item = batch.items[r.index];
    return item ? [{ sku: item.sku, location: item.location, code: r.code, message: r.message, at: now, version: String(item.version) }] : [];
  });
  for (const r of records)
    log.error("channel.item_refused", { channel: adapter.channel, key: batch.key, sku: r.sku, location: r.location, code: r.code, message: r.message });
  await rejectItems(redis, adapter.channel, records);
  const out = new Set(refused.map((r) => r.index));
  const rest = batch.items.filter((_, i) => !out.has(i));
  await removeInflight(redis, adapter.channel, batch);
  if (rest.length === 0) return true;
  const next = retryBatch(adapter.channel, rest, attempt);
  await saveInflight(redis, adapter.channel, next);
  if (attempt > MAX_ATTEMPTS) return false;
  log.info("channel.write_again", { channel: adapter.channel, key: next.key, previous: batch.key, attempt, items: rest.length });
  return send(redis, adapter, next, deadline, stats);
}

/**
 * Flush every channel now, each on its own: a slow or rate-limited channel (the marketplace)
 * must not hold back a fast one (Shopify). A channel already flushing in this process just
 * goes round once more.
 */
export async function flushSoon(ctx: StockContext): Promise<unknown> {
  const policy = await ctx.policy();
  return Promise.all(
    writableChannels(ctx, policy).map((adapter) =>
      coalesce(`flush:${adapter.channel}`, async () => {
        try {
          await flushChannel(ctx.redis, adapter, await ctx.policy(), Date.now() + 20_000);
        } catch (error) {
          log.error("flush.failed", { channel: adapter.channel, error: errorMessage(error) });
        }
      }),
    ),
  );
}
