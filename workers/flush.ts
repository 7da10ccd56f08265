import type { Redis } from "@upstash/redis";
import { getPolicy } from "@/lib/config/edge-config";
import type { Policy } from "@/lib/config/policy";
import type { Channel } from "@/lib/domain/events";
import { planItems, toBatches, unknownTargets } from "@/lib/channels/plan";
import { writableChannels } from "@/lib/channels/registry";
import { targetKey, type ChannelAdapter, type WriteBatch } from "@/lib/channels/types";
import { errorMessage, log } from "@/lib/log";
import { bumpStat, clearDirty, completeBatch, dropInflight, listInflight, readBelieved, readDirty, saveInflight, setBelieved } from "@/lib/redis/channel-store";
import { readSnapshots } from "@/lib/redis/projection-store";
import { correctTokens, waitForTokens } from "@/lib/redis/token-bucket";

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

export async function flushChannels(redis: Redis, options: { maxMs?: number } = {}): Promise<FlushStats[]> {
  const policy = await getPolicy();
  const deadline = Date.now() + (options.maxMs ?? 20_000);
  // One channel failing (down, misconfigured) must not hold back the others.
  const results = await Promise.allSettled(writableChannels(redis, policy).map((adapter) => flushChannel(redis, adapter, policy, deadline)));
  return results.flatMap((r) => {
    if (r.status === "fulfilled") return [r.value];
    log.error("flush.channel_failed", { error: errorMessage(r.reason) });
    return [];
  });
}

export async function flushChannel(redis: Redis, adapter: ChannelAdapter, policy: Policy, deadline: number): Promise<FlushStats> {
  const stats: FlushStats = { channel: adapter.channel, skus: 0, writes: 0, items: 0, retries: 0, pending: 0 };
  const channelPolicy = policy.channels[adapter.channel];
  if (!channelPolicy?.enabled) return stats;

  // First whatever a previous run left unconfirmed, under its original key.
  for (const batch of await listInflight(redis, adapter.channel)) {
    if (!(await send(redis, adapter, batch, deadline, stats))) return { ...stats, pending: stats.pending + 1 };
  }

  while (Date.now() < deadline) {
    const dirty = await readDirty(redis, adapter.channel, DIRTY_PER_ROUND);
    if (dirty.length === 0) break;
    const skus = dirty.map((d) => d.sku);
    const locations = channelPolicy.locationAware ? channelPolicy.locations : ["*"];
    const [snapshots, believed] = await Promise.all([readSnapshots(redis, skus), readBelieved(redis, adapter.channel, skus.flatMap((s) => locations.map((l) => targetKey(s, l))))]);

    const unknown = unknownTargets({ channel: adapter.channel, policy: channelPolicy, skus, believed });
    if (unknown.length > 0) {
      const actual = await adapter.readActual(unknown);
      await setBelieved(redis, adapter.channel, actual);
      for (const [target, n] of actual) believed.set(target, n);
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
    if (result.ok === true || "retryAfterMs" in result) {
      if (result.budgetLeft !== undefined) await correctTokens(redis, adapter.channel, result.budgetLeft * adapter.bucket.capacity);
    }
    if (result.ok) {
      await completeBatch(redis, adapter.channel, batch);
      stats.writes++;
      stats.items += batch.items.length;
      log.info("channel.write", { channel: adapter.channel, key: batch.key, items: batch.items.length, skus: batch.items.slice(0, 5).map((i) => i.sku), ms: Date.now() - started });
      return true;
    }
    if ("permanent" in result) {
      log.error("channel.write_refused", { channel: adapter.channel, key: batch.key, reason: result.permanent, skus: batch.items.slice(0, 5).map((i) => i.sku) });
      await dropInflight(redis, adapter.channel, batch, result.permanent);
      return true;
    }
    stats.retries++;
    await bumpStat(redis, adapter.channel, result.reason);
    log.warn("channel.write_retry", { channel: adapter.channel, key: batch.key, reason: result.reason, retryAfterMs: result.retryAfterMs });
    await sleep(Math.min(result.retryAfterMs, Math.max(0, deadline - Date.now())));
  }
  return false;
}

let running: Promise<unknown> | null = null;
let again = false;

/** Flush now unless this process is already flushing; then that flush goes round once more. */
export function flushSoon(redis: Redis): Promise<unknown> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await flushChannels(redis);
    } while (again);
  })()
    .catch((error: unknown) => log.error("flush.failed", { error: errorMessage(error) }))
    .finally(() => {
      running = null;
    });
  return running;
}
