import { randomUUID } from "node:crypto";
import { movesChannelCount, ownSaleAdjustment } from "@/lib/channels/own-sales";
import { routedLines, routedSkus } from "@/lib/channels/routing-beliefs";
import { lineKeyChannel } from "@/lib/domain/line-key";
import { writableChannelIds } from "@/lib/channels/registry";
import { targetKey, targetSku } from "@/lib/domain/channel-targets";
import type { StockContext } from "@/lib/context";
import type { Channel } from "@/lib/domain/events";
import { errorMessage, log } from "@/lib/log";
import { adjustBelieved, markDirty, markResplit, readBelieved } from "@/lib/redis/channel-store";
import { acknowledge, pushDeadLetter, readBatch } from "@/lib/redis/intake-queue";
import { applyEvents, type ApplyOutcome } from "@/lib/redis/projection-store";
import { oversoldUnits } from "@/lib/domain/incidents";
import { openIncident, openOversold, readLine } from "@/lib/redis/incident-store";
import { coalesce } from "@/lib/single-flight";
import { recoverSoon } from "./recovery";

/**
 * The intake drain: read queued deliveries through the consumer group, apply every event
 * (idempotent, atomic per SKU), then ack. A process that dies mid-batch leaves its entries
 * pending; the next drain anywhere claims them after `claimIdleMs` and applies them — the
 * per-event dedupe makes that exactly-once in effect (I7 + I1).
 */
export interface DrainOptions {
  consumer?: string;
  batchSize?: number;
  claimIdleMs?: number;
  /** Stop starting new batches after this long (serverless time limits). */
  maxMs?: number;
  /** Called after each applied batch (the process flushes channels without waiting for the queue to empty). */
  onApplied?: () => void;
  /**
   * Test seam (unused in production): awaited once a batch is read (`read`) and once it is
   * applied but not yet acknowledged (`applied`), so a crash test can SIGKILL the worker there.
   */
  pauseAt?: (stage: "read" | "applied", batch: { deliveries: number; events: number }) => Promise<void>;
}

export interface DrainStats {
  deliveries: number;
  events: number;
  applied: number;
  duplicates: number;
  ms: number;
}

/** One consumer name per process: entries it leaves pending are claimable by the others. */
export const PROCESS_CONSUMER = `c-${process.pid}-${randomUUID().slice(0, 8)}`;

const claimIdleDefault = () => Number(process.env.INTAKE_CLAIM_IDLE_MS ?? 30_000);

export async function drainIntake(ctx: StockContext, options: DrainOptions = {}): Promise<DrainStats> {
  const { redis } = ctx;
  const started = Date.now();
  const { consumer = PROCESS_CONSUMER, batchSize = 500, claimIdleMs = claimIdleDefault(), maxMs = 20_000, onApplied, pauseAt } = options;
  const stats: DrainStats = { deliveries: 0, events: 0, applied: 0, duplicates: 0, ms: 0 };
  while (Date.now() - started < maxMs) {
    const batch = await readBatch(redis, consumer, batchSize, claimIdleMs);
    if (batch.deliveries.length === 0 && batch.broken.length === 0) break;
    const size = { deliveries: batch.deliveries.length, events: batch.deliveries.reduce((n, d) => n + d.events.length, 0) };
    await pauseAt?.("read", size);
    const outcomes = await applyEvents(
      redis,
      batch.deliveries.flatMap((d) => d.events),
    );
    await Promise.all([
      recordIncidents(ctx, outcomes),
      queueChannelWrites(ctx, outcomes),
      ...batch.broken.map((b) =>
        pushDeadLetter(redis, { source: "intake-stream", receivedAt: new Date(ctx.now()).toISOString(), error: b.reason, field: "events", body: b.streamId }),
      ),
    ]);
    await pauseAt?.("applied", size);
    await acknowledge(redis, [...batch.deliveries.map((d) => d.streamId), ...batch.broken.map((b) => b.streamId)]);
    onApplied?.();
    for (const { event, effect, snapshot } of outcomes) {
      if (effect === "duplicate") stats.duplicates++;
      else stats.applied++;
      log.info("stock.event", {
        eventId: event.id,
        sku: event.sku,
        kind: event.kind,
        effect,
        channel: "channel" in event ? event.channel : null,
        version: snapshot?.version ?? null,
      });
    }
    stats.deliveries += batch.deliveries.length;
    stats.events += outcomes.length;
  }
  stats.ms = Date.now() - started;
  return stats;
}

/**
 * Tell the channel writers what changed: mirror each channel's own sales in what we believe
 * it holds (once per event), then mark the SKUs dirty for every writable channel (coalesced
 * per SKU). Duplicates are passed on too: a worker that died after applying an entry but
 * before this step leaves it to be re-read, and then only this step still has work to do.
 */
async function queueChannelWrites(ctx: StockContext, outcomes: readonly ApplyOutcome[]): Promise<void> {
  const { redis } = ctx;
  const changed = outcomes.filter((o) => o.snapshot);
  if (changed.length === 0) return;
  const policy = await ctx.policy();
  const channels = writableChannelIds(ctx, policy);
  if (channels.length === 0) return;

  const lineChannel = (o: ApplyOutcome) => ("lineKey" in o.event && o.event.lineKey ? lineKeyChannel(o.event.lineKey) : undefined);
  const sales = changed.filter((o) => movesChannelCount(o) && channels.some((c) => c === lineChannel(o)));
  if (sales.length > 0) {
    // One round trip for all channels' beliefs (the client pipelines concurrent reads).
    const believed = new Map<Channel, Map<string, number>>(
      await Promise.all(
        channels.map(async (channel) => {
          const locations = policy.channels[channel]?.locations ?? [];
          const targets = sales.filter((o) => lineChannel(o) === channel).flatMap((o) => locations.map((l) => targetKey(o.event.sku, l)));
          return [channel, await readBelieved(redis, channel, targets)] as const;
        }),
      ),
    );
    const adjustments = sales.flatMap((o) => ownSaleAdjustment(o, policy, (c, t) => believed.get(c)?.get(t)) ?? []);
    await Promise.all(
      channels.map(async (channel) => {
        const mine = adjustments.filter((a) => a.channel === channel);
        await Promise.all([
          adjustBelieved(redis, channel, mine),
          markResplit(
            redis,
            channel,
            mine.filter((a) => a.resplit).map((a) => targetSku(a.target)),
          ),
        ]);
      }),
    );
  }
  // A routing moved where the channel committed units it sold: re-read its split before the next write.
  const routed = routedLines(changed);
  if (routed.length > 0) {
    const lines = new Map(await Promise.all(routed.map(async (r) => [`${r.sku}\u0000${r.lineKey}`, await readLine(redis, r.sku, r.lineKey)] as const)));
    const lineOf = (sku: string, lineKey: string) => lines.get(`${sku}\u0000${lineKey}`);
    await Promise.all(channels.map((channel) => markResplit(redis, channel, routedSkus(changed, channel, policy, lineOf))));
  }
  const latest = new Map<string, number>();
  for (const o of changed) latest.set(o.event.sku, Math.max(latest.get(o.event.sku) ?? 0, o.snapshot?.version ?? 0));
  await markDirty(
    redis,
    channels,
    [...latest].map(([sku, version]) => ({ sku, version })),
  );
}

/**
 * Open oversell incidents: one per short pick (the warehouse could not fill a line), and one
 * per SKU whose reservations now exceed what is on the shelves. Recovery runs right after.
 */
async function recordIncidents(ctx: StockContext, outcomes: readonly ApplyOutcome[]): Promise<void> {
  const { redis } = ctx;
  const openedAt = new Date(ctx.now()).toISOString();
  const opened = await Promise.all(
    outcomes
      .filter((o) => o.effect !== "duplicate")
      .map(async ({ event, snapshot }) => {
        if (event.kind === "short_pick") {
          const isNew = await openIncident(redis, {
            id: `short:${event.id}`,
            kind: "short_pick",
            sku: event.sku,
            locationId: event.locationId,
            units: event.quantity,
            openedAt,
            lineKey: event.lineKey ?? null,
          });
          if (isNew) log.warn("oversell.incident_opened", { sku: event.sku, eventId: event.id, kind: "short_pick", units: event.quantity });
          return isNew;
        }
        const short = snapshot ? oversoldUnits(snapshot.projection) : 0;
        if (short === 0) return false;
        const isNew = await openOversold(redis, event.sku, {
          id: `oversold:${event.sku}:${event.id}`,
          kind: "oversold",
          sku: event.sku,
          locationId: null,
          units: short,
          openedAt,
          lineKey: null,
        });
        if (isNew) log.warn("oversell.incident_opened", { sku: event.sku, eventId: event.id, kind: "oversold", units: short });
        return isNew;
      }),
  );
  if (opened.some(Boolean)) void recoverSoon(ctx);
}

const addStats = (a: DrainStats, b: DrainStats): DrainStats => ({
  deliveries: a.deliveries + b.deliveries,
  events: a.events + b.events,
  applied: a.applied + b.applied,
  duplicates: a.duplicates + b.duplicates,
  ms: a.ms + b.ms,
});

/**
 * Drain now unless this process is already draining, in which case that drain goes round
 * once more. Webhooks call this from `after()`, so bursts collapse into few drains.
 */
export function drainSoon(ctx: StockContext, onApplied?: () => void): Promise<DrainStats> {
  const round = () =>
    drainIntake(ctx, onApplied ? { onApplied } : {}).catch((error: unknown) => {
      log.error("drain.failed", { error: errorMessage(error) });
      throw error;
    });
  return coalesce("drain", round, addStats);
}
