import type { Redis } from "@upstash/redis";
import type { Policy } from "@/lib/config/policy";
import type { StockContext } from "@/lib/context";
import { desiredTargets } from "@/lib/channels/plan";
import { reconcileChannels, type CasItem, type ObservedLevel, type ReconcileChannel } from "@/lib/channels/reconcile-channels";
import { targetKey } from "@/lib/domain/channel-targets";
import { decideDrift } from "@/lib/domain/drift";
import { errorMessage, log } from "@/lib/log";
import { channelKeys, metricFields, reconKeys } from "@/lib/redis/keys";
import { acquireLock, releaseLock } from "@/lib/redis/lock";
import { countMetrics } from "@/lib/redis/metrics";
import { listInflight, readBelieved } from "@/lib/redis/channel-store";
import { readSnapshots } from "@/lib/redis/projection-store";
import {
  appendSeries,
  pushAlerts,
  readHistory,
  readPass,
  recordTargets,
  savePass,
  setBelievedFenced,
  startPass,
  targetField,
  trackedCount,
  trackedPage,
  type PassState,
  type TargetRecord,
} from "@/lib/redis/reconcile-store";
import { sendAlert } from "./alerts";

/**
 * The drift pass (docs/architecture.md#drift-pass): sweep each channel page by
 * page, compare what it holds with what the projection wants, record drift, and correct
 * what is safe to correct with compare-and-swap against the value just read. One pass at a
 * time (a lease); the position is saved after every page, so a pass cut short by a crash or
 * by the platform's time limit resumes where it stopped.
 */
export interface ReconcileRun {
  pass: PassState;
  pages: number;
  finished: boolean;
}

const LEASE_MS = 30_000;
const CORRECTION_ATTEMPTS = 3;

export async function runReconcile(
  ctx: StockContext,
  opts: { budgetMs: number; maxPages?: number; channels?: ReconcileChannel[] },
): Promise<ReconcileRun | null> {
  const { redis, now } = ctx;
  const deadline = now() + opts.budgetMs;
  const lease = await acquireLock(redis, reconKeys.lock, LEASE_MS);
  if (!lease) return null;
  try {
    const policy = await ctx.policy();
    const channels = opts.channels ?? reconcileChannels(ctx, policy);
    let pass = await readPass(redis);
    if (!pass || pass.finishedAt !== undefined)
      pass = await startPass(
        redis,
        channels.map((c) => c.channel),
        await estimate(redis, channels),
        now(),
      );
    // Resuming: fresh fencing tokens, so a holder of an older lease on this same pass (paused
    // past it) is fenced out too.
    else pass = await renewFences(redis, pass);
    let pages = 0;
    while (now() < deadline && (opts.maxPages === undefined || pages < opts.maxPages)) {
      const channel = channels[pass.position.channel];
      if (!channel) {
        pass.finishedAt = now();
        await savePass(redis, pass);
        log.info("reconcile.pass_finished", {
          passId: pass.id,
          checked: pass.done,
          drifted: pass.drifted,
          corrected: pass.corrected,
          needsHuman: pass.needsHuman,
          ms: pass.finishedAt - pass.startedAt,
        });
        return { pass, pages, finished: true };
      }
      try {
        await reconcilePage(redis, policy, channel, pass, now);
      } catch (error) {
        if (!(error instanceof FencedOut)) throw error;
        // A newer pass owns the channel now: stop without writing anything more.
        log.warn("reconcile.fenced_out", { passId: pass.id, pages });
        return { pass, pages, finished: false };
      }
      pages++;
      await redis.pexpire(reconKeys.lock, LEASE_MS);
    }
    return { pass, pages, finished: false };
  } finally {
    await releaseLock(redis, reconKeys.lock, lease);
  }
}

class FencedOut extends Error {}

async function renewFences(redis: Redis, pass: PassState): Promise<PassState> {
  const fences = Object.fromEntries(await Promise.all(Object.keys(pass.fences).map(async (c) => [c, await redis.incr(channelKeys.reconFence(c))] as const)));
  const renewed = { ...pass, fences };
  await savePass(redis, renewed);
  return renewed;
}

/** Throws when a newer pass (or a newer run of this one) took any channel's fencing token. */
async function assertFence(redis: Redis, pass: PassState): Promise<void> {
  const channels = Object.keys(pass.fences);
  const current = await Promise.all(channels.map((c) => redis.get<number | string>(channelKeys.reconFence(c))));
  if (channels.some((c, i) => Number(current[i]) !== pass.fences[c])) throw new FencedOut(pass.id);
}

async function estimate(redis: Redis, channels: readonly ReconcileChannel[]): Promise<number> {
  const tracked = await trackedCount(redis);
  return channels.reduce((sum, c) => sum + c.estimate(tracked), 0);
}

/** Read one page at the saved position, decide, correct, record, move the position on. */
async function reconcilePage(redis: Redis, policy: Policy, channel: ReconcileChannel, pass: PassState, now: () => number): Promise<void> {
  const { position } = pass;
  const segment = channel.segments[position.segment];
  if (segment === undefined) {
    pass.position = { channel: position.channel + 1, segment: 0, cursor: null };
    return savePass(redis, pass);
  }
  const page = await channel.readPage(segment, position.cursor, trackedPage(redis));
  void countMetrics(redis, { [metricFields.read(channel.channel)]: 1 });
  if (page.kind === "retry") {
    await new Promise((resolve) => setTimeout(resolve, Math.min(page.retryAfterMs, 5_000)));
    return;
  }
  if (page.kind === "error") {
    // A segment that cannot be read (unknown location, auth) must not stall the pass forever.
    log.error("reconcile.read_failed", { channel: channel.channel, segment, error: page.message });
    pass.position = { ...position, segment: position.segment + 1, cursor: null };
    return savePass(redis, pass);
  }
  const outcome = await settlePage(redis, policy, channel, pass, page.data.observed, now);
  pass.done += outcome.checked;
  pass.drifted += outcome.drifted;
  pass.corrected += outcome.corrected;
  pass.needsHuman += outcome.needsHuman;
  pass.alerts += outcome.alerts;
  pass.stale += outcome.stale;
  pass.position = page.data.next ? { ...position, cursor: page.data.next } : { ...position, segment: position.segment + 1, cursor: null };
  // A pass paused past its lease must not put its old position back over a newer one.
  await assertFence(redis, pass);
  await savePass(redis, pass);
  await appendSeries(redis, {
    passId: pass.id,
    channel: channel.channel,
    checked: outcome.checked,
    drifted: outcome.drifted,
    absDrift: outcome.absDrift,
    corrected: outcome.corrected,
    stale: outcome.stale,
    at: now(),
  });
}

interface PageOutcome {
  checked: number;
  drifted: number;
  absDrift: number;
  corrected: number;
  needsHuman: number;
  alerts: number;
  stale: number;
}

async function settlePage(
  redis: Redis,
  policy: Policy,
  channel: ReconcileChannel,
  pass: PassState,
  observed: ObservedLevel[],
  now: () => number,
): Promise<PageOutcome> {
  const outcome: PageOutcome = { checked: 0, drifted: 0, absDrift: 0, corrected: 0, needsHuman: 0, alerts: 0, stale: 0 };
  const { records, corrections } = await decidePage(redis, policy, channel.channel, observed, now());
  outcome.checked = records.length;
  outcome.drifted = records.filter((r) => r.actual !== r.wanted).length;
  outcome.absDrift = records.reduce((sum, r) => sum + Math.abs(r.actual - r.wanted), 0);
  outcome.needsHuman = records.filter((r) => r.action.kind === "needs_human").length;
  const alerts = records.filter((r) => r.actual !== r.wanted && r.action.kind !== "pending_write" && Math.abs(r.actual - r.wanted) > policy.drift.threshold);
  outcome.alerts = alerts.length;
  await alertOn(redis, pass, alerts);
  await recordTargets(redis, records);
  let pending = corrections;
  for (let attempt = 1; attempt <= CORRECTION_ATTEMPTS && pending.length > 0; attempt++) {
    const result = await correct(redis, channel, pass, pending, attempt, now);
    outcome.corrected += result.applied;
    outcome.stale += result.stale.length;
    // The channel moved between our read and our write (a sale, another writer): read again and
    // apply the same correction on top of what is there now, so a concurrent decrement survives (I6).
    pending = result.stale.length ? await rebase(channel, result.stale) : [];
  }
  return outcome;
}

/** Fresh values for targets whose compare-and-swap failed, with the intended change kept. */
async function rebase(channel: ReconcileChannel, stale: readonly CasItem[]): Promise<CasItem[]> {
  const fresh = new Map((await channel.readTargets(stale)).map((o) => [targetKey(o.sku, o.location), o]));
  return stale.flatMap((item) => {
    const now = fresh.get(targetKey(item.sku, item.location));
    return now ? [{ ...now, to: Math.max(0, now.actual + (item.to - item.actual)) }] : [];
  });
}

/** Decisions for observed levels: wanted from the projection, our beliefs, pending writes, drift history. */
async function decidePage(
  redis: Redis,
  policy: Policy,
  channel: ReconcileChannel["channel"],
  observed: readonly ObservedLevel[],
  nowMs: number,
): Promise<{ records: TargetRecord[]; corrections: CasItem[] }> {
  const channelPolicy = policy.channels[channel];
  const skus = [...new Set(observed.map((o) => o.sku))];
  const fields = observed.map((o) => targetField(channel, o.sku, o.location));
  const [snapshots, believed, dirty, inflight, history] = await Promise.all([
    readSnapshots(redis, skus),
    readBelieved(
      redis,
      channel,
      observed.map((o) => targetKey(o.sku, o.location)),
    ),
    skus.length ? redis.hmget<Record<string, unknown>>(channelKeys.dirty(channel), ...skus) : Promise.resolve({}),
    listInflight(redis, channel),
    readHistory(redis, fields),
  ]);
  const busy = new Set([
    ...Object.entries(dirty ?? {}).flatMap(([sku, v]) => (v === null || v === undefined ? [] : [sku])),
    ...inflight.flatMap((b) => b.items.map((i) => i.sku)),
  ]);
  const records: TargetRecord[] = [];
  const corrections: CasItem[] = [];
  for (const o of observed) {
    const snapshot = snapshots.get(o.sku);
    // Not ours (the channel sells something we do not track) or a switched-off channel: nothing to compare with.
    if (!snapshot || !channelPolicy) continue;
    const wanted = desiredTargets(snapshot, channel, channelPolicy).get(o.location);
    if (wanted === undefined) continue;
    const field = targetField(channel, o.sku, o.location);
    const decision = decideDrift({ actual: o.actual, wanted, pendingWrite: busy.has(o.sku) }, history.get(field) ?? null, policy.drift, nowMs);
    records.push({
      field,
      channel,
      sku: o.sku,
      location: o.location,
      actual: o.actual,
      wanted,
      believed: believed.get(targetKey(o.sku, o.location)) ?? null,
      action: decision.action,
      history: decision.history,
      at: nowMs,
    });
    if (decision.action.kind === "correct" && channelPolicy.enabled) corrections.push({ ...o, to: decision.action.to });
  }
  return { records, corrections };
}

/**
 * Apply corrections under the channel's write lease (no flush plans from beliefs we are
 * about to replace), with compare-and-swap on the channel and the pass's fencing token on
 * our beliefs.
 */
async function correct(
  redis: Redis,
  channel: ReconcileChannel,
  pass: PassState,
  items: CasItem[],
  attempt: number,
  now: () => number,
): Promise<{ applied: number; stale: CasItem[] }> {
  const lockKey = channelKeys.flushLock(channel.channel);
  const token = await waitForLease(redis, lockKey, 5_000);
  if (!token) {
    log.warn("reconcile.lease_busy", { channel: channel.channel, passId: pass.id, items: items.length });
    return { applied: 0, stale: [] };
  }
  try {
    // Only the fence holder writes: a paused pass re-basing its stale correction on a fresh
    // read would apply it on top of a newer pass's.
    await assertFence(redis, pass);
    // A new key per attempt and per fence: a replayed key would answer with the first (stale) result.
    const fence = pass.fences[channel.channel] ?? -1;
    const key = `reconcile-${pass.id}-${fence}-${channel.channel}-${pass.done}-${attempt}`;
    const result = await channel.setCas(key, items);
    if (result.error) log.error("reconcile.correct_failed", { channel: channel.channel, passId: pass.id, error: result.error });
    const landed = new Map(result.applied.map((i) => [targetKey(i.sku, i.location), i.to]));
    if (!(await setBelievedFenced(redis, channel.channel, fence, pass.id, landed, now())))
      log.warn("reconcile.fenced_out", { channel: channel.channel, passId: pass.id });
    for (const i of result.applied)
      log.info("reconcile.corrected", { channel: channel.channel, sku: i.sku, location: i.location, from: i.actual, to: i.to, passId: pass.id });
    for (const i of result.stale)
      log.info("reconcile.cas_stale", { channel: channel.channel, sku: i.sku, location: i.location, read: i.actual, passId: pass.id });
    return { applied: result.applied.length, stale: result.stale };
  } finally {
    await releaseLock(redis, lockKey, token);
  }
}

async function waitForLease(redis: Redis, key: string, waitMs: number): Promise<string | null> {
  const until = Date.now() + waitMs;
  for (;;) {
    const token = await acquireLock(redis, key, 15_000);
    if (token || Date.now() > until) return token;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function alertOn(redis: Redis, pass: PassState, records: readonly TargetRecord[]): Promise<void> {
  if (records.length === 0) return;
  const alerts = records.map((r) => ({
    at: new Date(r.at).toISOString(),
    passId: pass.id,
    channel: r.channel,
    sku: r.sku,
    location: r.location,
    actual: r.actual,
    wanted: r.wanted,
    drift: r.actual - r.wanted,
    action: r.action.kind,
  }));
  for (const a of alerts) log.warn("drift.alert", { channel: a.channel, sku: a.sku, location: a.location, drift: a.drift, action: a.action, passId: a.passId });
  await pushAlerts(redis, alerts);
  try {
    await sendAlert({ kind: "drift", summary: `${alerts.length} SKU location(s) drifted beyond the threshold`, details: alerts });
  } catch (error) {
    log.error("drift.alert_webhook_failed", { error: errorMessage(error) });
  }
}
