import type { Redis } from "@upstash/redis";
import type { Policy } from "../config/policy";
import { passProgress } from "../domain/drift";
import type { Channel } from "../domain/events";
import { dirtyCount, listInflight } from "../redis/channel-store";
import { listIncidents } from "../redis/incident-store";
import { channelKeys, keys, metricFields, reconKeys } from "../redis/keys";
import { queueLength } from "../redis/intake-queue";
import { readMetrics } from "../redis/metrics";
import { readDriftAlerts, readHumanItems, readPass } from "../redis/reconcile-store";
import { bucketState } from "../redis/token-bucket";
import { SHOPIFY_PLANS } from "../shopify/admin-client";
import type { DriftPoint, FlowEdge, FlowGraph, Gauge, SystemId } from "./types";

/** Everything the ops overview shows, read in a handful of round trips. */
const WINDOW_MINUTES = 15;

/** The systems the ops page draws (the charts test renders these same nodes). */
export const FLOW_NODES: FlowGraph["nodes"] = [
  { id: "wms", label: "WMS / 3PL", role: "physical truth" },
  { id: "shopify", label: "Shopify", role: "online store" },
  { id: "marketplace", label: "Marketplace", role: "seller API" },
  { id: "pos", label: "Store POS", role: "till sales" },
  { id: "stock-layer", label: "Stock layer", role: "Redis projection" },
  { id: "erp", label: "ERP", role: "books" },
  { id: "storefront", label: "Storefront", role: "stock badges" },
  { id: "cron", label: "Cron", role: "Vercel Cron" },
];

interface EdgeSpec {
  id: string;
  from: SystemId;
  to: SystemId;
  label: string;
  kind: FlowEdge["kind"];
  count: string[];
  lag?: { sum: string; n: string };
}

const EDGES: EdgeSpec[] = [
  {
    id: "wms-in",
    from: "wms",
    to: "stock-layer",
    label: "signed webhooks",
    kind: "webhook",
    count: [metricFields.in("wms")],
    lag: { sum: metricFields.lagSum("wms"), n: metricFields.lagCount("wms") },
  },
  {
    id: "shopify-in",
    from: "shopify",
    to: "stock-layer",
    label: "order webhooks",
    kind: "webhook",
    count: [metricFields.in("shopify")],
    lag: { sum: metricFields.lagSum("shopify"), n: metricFields.lagCount("shopify") },
  },
  {
    id: "marketplace-in",
    from: "marketplace",
    to: "stock-layer",
    label: "order notifications",
    kind: "webhook",
    count: [metricFields.in("marketplace")],
    lag: { sum: metricFields.lagSum("marketplace"), n: metricFields.lagCount("marketplace") },
  },
  {
    id: "pos-in",
    from: "pos",
    to: "stock-layer",
    label: "sale batches",
    kind: "webhook",
    count: [metricFields.in("pos")],
    lag: { sum: metricFields.lagSum("pos"), n: metricFields.lagCount("pos") },
  },
  {
    id: "shopify-out",
    from: "stock-layer",
    to: "shopify",
    label: "inventoryAdjustQuantities",
    kind: "write",
    count: [metricFields.out("shopify")],
    lag: { sum: metricFields.outMs("shopify"), n: metricFields.out("shopify") },
  },
  {
    id: "marketplace-out",
    from: "stock-layer",
    to: "marketplace",
    label: "inventory adjustments",
    kind: "write",
    count: [metricFields.out("marketplace")],
    lag: { sum: metricFields.outMs("marketplace"), n: metricFields.out("marketplace") },
  },
  {
    id: "erp-out",
    from: "stock-layer",
    to: "erp",
    label: "projections",
    kind: "write",
    count: [metricFields.out("erp")],
    lag: { sum: metricFields.outMs("erp"), n: metricFields.out("erp") },
  },
  { id: "shopify-read", from: "stock-layer", to: "shopify", label: "drift reads", kind: "read", count: [metricFields.read("shopify")] },
  { id: "marketplace-read", from: "stock-layer", to: "marketplace", label: "drift reads", kind: "read", count: [metricFields.read("marketplace")] },
  { id: "storefront", from: "storefront", to: "stock-layer", label: "GET /api/stock", kind: "read", count: [metricFields.stock] },
  {
    id: "cron",
    from: "cron",
    to: "stock-layer",
    label: "drain · flush · reconcile · recover",
    kind: "cron",
    count: [metricFields.cron("drain"), metricFields.cron("flush"), metricFields.cron("reconcile"), metricFields.cron("recover")],
  },
];

export function flowGraph(minutes: Record<string, number>[]): FlowGraph {
  const sum = (row: Record<string, number>, fields: string[]) => fields.reduce((total, f) => total + (row[f] ?? 0), 0);
  const edges = EDGES.map((spec): FlowEdge => {
    const series = minutes.map((row) => sum(row, spec.count));
    const total = series.reduce((a, b) => a + b, 0);
    const lagSum = spec.lag ? minutes.reduce((t, row) => t + (row[spec.lag!.sum] ?? 0), 0) : 0;
    const lagN = spec.lag ? minutes.reduce((t, row) => t + (row[spec.lag!.n] ?? 0), 0) : 0;
    return {
      id: spec.id,
      from: spec.from,
      to: spec.to,
      label: spec.label,
      kind: spec.kind,
      perMinute: Math.round((total / Math.max(1, minutes.length)) * 10) / 10,
      lagMs: lagN > 0 ? Math.round(lagSum / lagN) : null,
      series,
    };
  });
  return { windowMinutes: minutes.length, nodes: FLOW_NODES, edges };
}

export async function readDriftSeries(redis: Redis, count = 5_000): Promise<DriftPoint[]> {
  const raw = await redis.xrevrange(reconKeys.series, "+", "-", count);
  return Object.values(raw as Record<string, Record<string, unknown>>)
    .map((f) => ({
      at: Number(f.at),
      channel: String(f.channel),
      checked: Number(f.checked),
      drifted: Number(f.drifted),
      absDrift: Number(f.absDrift),
      corrected: Number(f.corrected),
    }))
    .filter((p) => Number.isFinite(p.at))
    .sort((a, b) => a.at - b.at);
}

export interface SyncLogEntry {
  channel: Channel;
  key: string;
  items: number;
  at: number;
}

async function readSyncLog(redis: Redis, channels: readonly Channel[]): Promise<SyncLogEntry[]> {
  const logs = await Promise.all(
    channels.map(async (channel) => {
      const raw = (await redis.xrevrange(channelKeys.log(channel), "+", "-", 15)) as Record<string, Record<string, unknown>>;
      return Object.values(raw).map((f) => ({ channel, key: String(f.key), items: Number(f.items), at: Number(f.at) }));
    }),
  );
  return logs
    .flat()
    .sort((a, b) => b.at - a.at)
    .slice(0, 30);
}

export async function readOverview(redis: Redis, policy: Policy, channels: readonly Channel[], now = Date.now()) {
  const plan = SHOPIFY_PLANS[(process.env.SHOPIFY_PLAN as keyof typeof SHOPIFY_PLANS | undefined) ?? "standard"] ?? SHOPIFY_PLANS.standard;
  const [metrics, backlog, deadLetters, incidents, human, humanItems, syncLog, alerts, pass, drift, shopifyBucket, queues] = await Promise.all([
    readMetrics(redis, WINDOW_MINUTES, now),
    queueLength(redis),
    redis.llen(keys.deadLetters),
    listIncidents(redis),
    redis.hlen(reconKeys.human),
    readHumanItems(redis, 25),
    readSyncLog(redis, channels),
    readDriftAlerts(redis, 20),
    readPass(redis),
    readDriftSeries(redis),
    bucketState(redis, "shopify"),
    Promise.all(channels.map(async (c) => ({ channel: c, dirty: await dirtyCount(redis, c), inflight: (await listInflight(redis, c)).length }))),
  ]);
  const capacity = plan.bucketSize / 2;
  const gauges: Gauge[] = [
    { label: "Intake backlog", value: backlog, max: Math.max(500, backlog), unit: "deliveries" },
    // Points in use: a full meter means we are at our own limit (half of Shopify's bucket).
    {
      label: "Shopify bucket (ours)",
      value: Math.round(Math.min(capacity, Math.max(0, capacity - shopifyBucket.tokens))),
      max: capacity,
      unit: "points in use",
    },
    ...queues.map((q) => ({ label: `${q.channel} queue`, value: q.dirty + q.inflight, max: Math.max(100, q.dirty + q.inflight), unit: "SKUs waiting" })),
  ];
  const byState = incidents.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.state]: (acc[i.state] ?? 0) + 1 }), {});
  return {
    graph: flowGraph(metrics),
    gauges,
    deadLetters,
    incidents: byState,
    needsHuman: human,
    humanItems,
    syncLog,
    alerts,
    pass: pass
      ? {
          id: pass.id,
          done: pass.done,
          total: pass.total,
          drifted: pass.drifted,
          corrected: pass.corrected,
          finished: pass.finishedAt !== undefined,
          startedAt: pass.startedAt,
          progress: passProgress(pass.done, pass.total, pass.startedAt, now),
        }
      : null,
    drift,
    policy: { threshold: policy.drift.threshold, autoCorrectLimit: policy.drift.autoCorrectLimit, escalationCents: policy.escalation.orderValueCents },
  };
}
