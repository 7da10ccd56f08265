import type { Summary } from "./report-schema";

/**
 * The oracle: what was really available to sell, moment by moment, from facts the harness
 * itself caused (starting shelves, restocks, every sale a channel accepted). Neither
 * pipeline's opinion enters it, so both modes are judged by the same truth. Pure functions.
 */
export interface StockFact {
  at: number;
  sku: string;
  /** + units received, − units sold. */
  delta: number;
  channel?: string;
}

/** Per SKU, the truth's level after each fact (level may go negative: sold past the shelf). */
export class TruthTimeline {
  private readonly steps = new Map<string, { at: number; level: number }[]>();

  constructor(start: Record<string, number>, facts: readonly StockFact[], startAt: number) {
    for (const [sku, level] of Object.entries(start)) this.steps.set(sku, [{ at: startAt, level }]);
    for (const fact of [...facts].sort((a, b) => a.at - b.at)) {
      const steps = this.steps.get(fact.sku) ?? [{ at: startAt, level: 0 }];
      steps.push({ at: fact.at, level: steps[steps.length - 1]!.level + fact.delta });
      this.steps.set(fact.sku, steps);
    }
  }

  skus(): string[] {
    return [...this.steps.keys()];
  }

  /** The level at time `at` (after every fact at or before it). */
  level(sku: string, at: number): number {
    const steps = this.steps.get(sku);
    if (!steps) return 0;
    let lo = 0;
    let hi = steps.length - 1;
    if (steps[0]!.at > at) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (steps[mid]!.at <= at) lo = mid;
      else hi = mid - 1;
    }
    return steps[lo]!.level;
  }

  /** Available to sell across every channel: what exists and is not promised yet. */
  ats(sku: string, at: number): number {
    return Math.max(0, this.level(sku, at));
  }
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: Math.round(sorted[sorted.length - 1]! * 10) / 10 };
}

export interface BadgeRead {
  at: number;
  sku: string;
  shown: number;
}

/** Badge reads that offered stock while nothing was left to sell. */
export function staleBadges(reads: readonly BadgeRead[], truth: TruthTimeline): { reads: number; staleReads: number; staleShare: number } {
  const stale = reads.filter((r) => r.shown > 0 && truth.ats(r.sku, r.at) === 0).length;
  return { reads: reads.length, staleReads: stale, staleShare: reads.length ? stale / reads.length : 0 };
}

/** A channel's number for a SKU over time, as replayed from its change log (per location; summed). */
export interface ChannelChange {
  at: number;
  sku: string;
  /** Shopify: a location id; the marketplace has one listing per SKU. */
  key: string;
  value: number;
}

export class ChannelReplay {
  private readonly bySku = new Map<string, ChannelChange[]>();

  constructor(changes: readonly ChannelChange[]) {
    for (const change of [...changes].sort((a, b) => a.at - b.at)) {
      const list = this.bySku.get(change.sku) ?? [];
      list.push(change);
      this.bySku.set(change.sku, list);
    }
  }

  /** What buyers could take at `at`: the sum over locations of what each offered (never below 0). */
  offered(sku: string, at: number): number {
    const latest = new Map<string, number>();
    for (const change of this.bySku.get(sku) ?? []) {
      if (change.at > at) break;
      latest.set(change.key, change.value);
    }
    let total = 0;
    for (const value of latest.values()) total += Math.max(0, value);
    return total;
  }
}

/** Phantom units over time: Σ over SKUs of what a channel offered beyond the truth. */
export function phantomSeries(
  truth: TruthTimeline,
  channels: Record<"shopify" | "marketplace", ChannelReplay>,
  from: number,
  to: number,
  points = 60,
): { tMs: number; shopify: number; marketplace: number }[] {
  const step = Math.max(1, Math.floor((to - from) / points));
  const series: { tMs: number; shopify: number; marketplace: number }[] = [];
  for (let at = from; at <= to; at += step) {
    let shopify = 0;
    let marketplace = 0;
    for (const sku of truth.skus()) {
      const ats = truth.ats(sku, at);
      shopify += Math.max(0, channels.shopify.offered(sku, at) - ats);
      marketplace += Math.max(0, channels.marketplace.offered(sku, at) - ats);
    }
    series.push({ tMs: at - from, shopify, marketplace });
  }
  return series;
}

export interface SourceEvent {
  at: number;
  sku: string;
  /** The channel that sold (its own number moved at once), or "wms" for a restock. */
  source: string;
}

/**
 * Event → channel propagation: for each event that another channel must hear about, the time
 * until that channel's sync next wrote that SKU. Coalesced writes answer several events at once,
 * as they should. Events never followed by a write are left out (counted as `unanswered`).
 */
export function propagation(
  events: readonly SourceEvent[],
  target: string,
  writes: readonly { at: number; sku: string }[],
): { delays: number[]; unanswered: number } {
  const bySku = new Map<string, number[]>();
  for (const w of writes) (bySku.get(w.sku) ?? bySku.set(w.sku, []).get(w.sku)!).push(w.at);
  for (const list of bySku.values()) list.sort((a, b) => a - b);
  const delays: number[] = [];
  let unanswered = 0;
  for (const event of events) {
    if (event.source === target) continue;
    const next = (bySku.get(event.sku) ?? []).find((at) => at >= event.at);
    if (next === undefined) unanswered++;
    else delays.push(next - event.at);
  }
  return { delays, unanswered };
}

export interface Sale {
  at: number;
  sku: string;
  channel: string;
  quantity: number;
}

/**
 * The bound on what buffers can prevent. A channel learns of another channel's sale up to
 * `windowMs` late; in that window it can sell units that are already gone. A buffer of B units
 * absorbs B such units. So for each sale that took the truth below zero, at most
 * max(0, units sold elsewhere in the window before it − B) of it was unavoidable; every
 * oversold unit beyond the sum of those is one the buffers could have prevented.
 */
export function bufferBound(
  sales: readonly Sale[],
  start: Record<string, number>,
  restocks: readonly StockFact[],
  shortBySku: ReadonlyMap<string, number>,
  bufferUnits: (channel: string, sku: string) => number,
  windowMs: (channel: string) => number,
): { permittedUnits: number; preventableUnits: number } {
  const facts: StockFact[] = [...restocks, ...sales.map((s) => ({ at: s.at, sku: s.sku, delta: -s.quantity, channel: s.channel }))];
  const ordered = [...facts].sort((a, b) => a.at - b.at);
  const level = new Map(Object.entries(start));
  const permitted = new Map<string, number>();
  for (const fact of ordered) {
    const before = level.get(fact.sku) ?? 0;
    const after = before + fact.delta;
    level.set(fact.sku, after);
    if (fact.delta >= 0 || after >= 0 || fact.channel === undefined) continue;
    const pastZero = Math.min(-fact.delta, -after);
    const elsewhere = sales
      .filter((s) => s.sku === fact.sku && s.channel !== fact.channel && s.at <= fact.at && s.at >= fact.at - windowMs(fact.channel!))
      .reduce((n, s) => n + s.quantity, 0);
    const allowance = Math.min(pastZero, Math.max(0, elsewhere - bufferUnits(fact.channel, fact.sku)));
    permitted.set(fact.sku, (permitted.get(fact.sku) ?? 0) + allowance);
  }
  let permittedUnits = 0;
  let preventableUnits = 0;
  for (const [sku, short] of shortBySku) {
    const allowed = permitted.get(sku) ?? 0;
    permittedUnits += Math.min(short, allowed);
    preventableUnits += Math.max(0, short - allowed);
  }
  return { permittedUnits, preventableUnits };
}
