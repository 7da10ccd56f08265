import type { Policy } from "@/lib/config/policy";
import type { Incident } from "@/lib/redis/incident-store";
import { CHANNELS, type ModeReport, type SaleChannel } from "./report-schema";
import type { Observed } from "./observations";
import { realMs, type Scenario } from "./scenario";
import type { ShortLine } from "./stack-probe";
import { bufferBound, ChannelReplay, phantomSeries, propagation, staleBadges, summarize, TruthTimeline, type ChannelChange, type SourceEvent } from "./truth";

/**
 * From what one mode's run observed to its section of the report. Pure: every number here is
 * computed from the observations, so it can be checked by a unit test.
 */
export interface ModeObservations extends Observed {
  mode: "ours" | "naive";
  scenario: Scenario;
  policy: Policy;
  saleStart: number;
  saleEnd: number;
  settledAt: number;
  stock: Record<string, Partial<Record<string, number>>>;
  shorts: ShortLine[];
  logs: {
    shopify: ChannelChange[];
    marketplace: ChannelChange[];
    syncWrites: { shopify: { at: number; sku: string }[]; marketplace: { at: number; sku: string }[] };
  };
  shopify: { adminCalls: number; mutations: number; throttled: number; peakBucket: number; bucketSize: number };
  webhookAckMs: number[] | null;
  idleStockMs: number[];
  incidents: Incident[];
  screenshots: { label: string; file: string }[];
}

const isChannel = (c: string): c is SaleChannel => (CHANNELS as readonly string[]).includes(c);
const byChannel = <T>(make: () => T): Record<SaleChannel, T> => ({ shopify: make(), marketplace: make(), pos: make() });

export function buildModeReport(o: ModeObservations): ModeReport {
  const start = Object.fromEntries(
    Object.entries(o.stock).map(([sku, perLocation]) => [sku, Object.values(perLocation).reduce((n: number, v) => n + (v ?? 0), 0)]),
  );
  const restockFacts = o.restocks.map((r) => ({ at: r.at, sku: r.sku, delta: r.quantity }));
  const truth = new TruthTimeline(
    start,
    [...restockFacts, ...o.sales.map((s) => ({ at: s.at, sku: s.sku, delta: -s.quantity, channel: s.channel }))],
    o.saleStart,
  );

  const accepted = byChannel(() => ({ units: 0, orders: 0 }));
  for (const sale of o.sales) {
    accepted[sale.channel].orders++;
    accepted[sale.channel].units += sale.quantity;
  }
  const oversoldBy = byChannel(() => ({ units: 0, orders: new Set<string>() }));
  for (const line of o.shorts) {
    if (!isChannel(line.channel)) continue;
    oversoldBy[line.channel].units += line.units;
    oversoldBy[line.channel].orders.add(line.orderId);
  }
  const oversold = {
    units: o.shorts.reduce((n, l) => n + l.units, 0),
    orders: new Set(o.shorts.map((l) => l.orderId)).size,
    byChannel: byChannel(() => ({ units: 0, orders: 0 })),
  };
  for (const c of CHANNELS) oversold.byChannel[c] = { units: oversoldBy[c].units, orders: oversoldBy[c].orders.size };

  // Propagation: every sale and restock another channel must hear of, to that channel's next sync write.
  const events: SourceEvent[] = [
    ...o.sales.map((s) => ({ at: s.at, sku: s.sku, source: s.channel })),
    ...o.restocks.map((r) => ({ at: r.at, sku: r.sku, source: "wms" })),
  ];
  // A sale elsewhere while a channel already offers 0 asks nothing of it: only what must move counts.
  const replay = { shopify: new ChannelReplay(o.logs.shopify), marketplace: new ChannelReplay(o.logs.marketplace) };
  const mustMove = (target: "shopify" | "marketplace") => events.filter((e) => e.source === "wms" || replay[target].offered(e.sku, e.at) > 0);
  const toShopify = propagation(mustMove("shopify"), "shopify", o.logs.syncWrites.shopify);
  const toMarketplace = propagation(mustMove("marketplace"), "marketplace", o.logs.syncWrites.marketplace);
  const propagationMs = { shopify: summarize(toShopify.delays), marketplace: summarize(toMarketplace.delays) };

  const bound = boundFor(o, propagationMs);
  const shortBySku = new Map<string, number>();
  for (const line of o.shorts) shortBySku.set(line.sku, (shortBySku.get(line.sku) ?? 0) + line.units);
  const { permittedUnits, preventableUnits } = bufferBound(o.sales, start, restockFacts, shortBySku, bound.bufferUnits, bound.windowMs);

  const incidents = incidentRows(o);
  return {
    mode: o.mode,
    realDurationMs: o.saleEnd - o.saleStart,
    traffic: {
      attempts: { ...o.attempts },
      accepted,
      refused: { ...o.refused },
      browser: {
        shoppers: Object.values(o.browser).reduce((a, b) => a + b, 0),
        ordered: o.browser.ordered,
        refused: o.browser.refused,
        sawSoldOut: o.browser.saw_sold_out,
        failed: o.browser.failed,
      },
      restockedUnits: o.restocks.reduce((n, r) => n + r.quantity, 0),
    },
    oversold,
    buffer: {
      windowMs: Math.round(Math.max(bound.windowMs("shopify"), bound.windowMs("marketplace"))),
      permittedUnits,
      preventableUnits,
      explanation: bound.explanation,
    },
    incidents,
    detectMs: summarize(incidents.flatMap((i) => (i.detectMs === null ? [] : [i.detectMs]))),
    recoverMs: summarize(incidents.flatMap((i) => (i.recoverMs === null ? [] : [i.recoverMs]))),
    badge: staleBadges(o.badgeReads, truth),
    stockApi: o.mode === "ours" ? { idle: summarize(o.idleStockMs), load: summarize(o.loadStockMs) } : null,
    webhookAckMs: o.webhookAckMs ? summarize(o.webhookAckMs) : null,
    propagationMs,
    shopify: o.shopify,
    drift: phantomSeries(truth, replay, o.saleStart, o.settledAt),
    screenshots: o.screenshots,
  };
}

/**
 * How late each channel can hear of a sale elsewhere, and how many units its buffer absorbs.
 * Ours: the source's webhook lag + our measured propagation p99. Naive: the sync intervals.
 * The store's shelf holds units promised online until the picker takes them: a walk-in can buy
 * those in either mode, so the POS window is the pick lag and its buffer is 0.
 */
function boundFor(o: ModeObservations, p: { shopify: { p99: number | null }; marketplace: { p99: number | null } }) {
  const s = o.scenario;
  const ms = (sec: number) => realMs(s, sec);
  const windows: Record<string, number> =
    o.mode === "ours"
      ? {
          shopify: ms(s.marketplaceLagSec.max) + (p.shopify.p99 ?? 0),
          marketplace: ms(s.webhooks.lagSec.max) + (p.marketplace.p99 ?? 0),
          pos: ms(s.pickLagSec.max),
        }
      : {
          shopify: ms(s.naive.erpSnapshotEverySec + s.naive.erpImportLagSec),
          marketplace: ms(s.naive.marketplaceCronEverySec + s.naive.erpSnapshotEverySec),
          pos: ms(s.pickLagSec.max),
        };
  const buffers: Record<string, number> =
    o.mode === "ours" ? { shopify: s.buffers.shopify, marketplace: s.buffers.marketplace, pos: 0 } : { shopify: 0, marketplace: 0, pos: 0 };
  const bufferUnits = (channel: string, sku: string) => {
    const locations = isChannel(channel) ? (o.policy.channels[channel]?.locations ?? []) : [];
    const stocked = locations.filter((l) => (o.stock[sku]?.[l] ?? 0) > 0).length;
    return (buffers[channel] ?? 0) * stocked;
  };
  const explanation =
    `A channel hears of a sale elsewhere up to W late (Shopify ${Math.round(windows.shopify!)} ms, marketplace ${Math.round(windows.marketplace!)} ms, ` +
    `store shelf ${Math.round(windows.pos!)} ms); in that window it may sell units already gone, and its buffer B (${buffers.shopify}/${buffers.marketplace} per stocked location) absorbs B of them. ` +
    `Permitted = Σ over sales that took the truth below zero of max(0, units sold elsewhere in the window − B); oversold units beyond that are ones the buffers could have prevented.`;
  return { windowMs: (channel: string) => windows[channel] ?? 0, bufferUnits, explanation };
}

/** One row per order line the warehouse shorted: when the system knew, and when the shopper was made whole. */
function incidentRows(o: ModeObservations): ModeReport["incidents"] {
  return o.shorts.flatMap((line) => {
    if (!isChannel(line.channel)) return [];
    const bare = line.orderId.slice(line.orderId.indexOf(":") + 1);
    const mentions = (i: Incident) => (i.lineKey ?? "").includes(bare) || i.affected.some((a) => a.orderId === bare || a.orderId === line.orderId);
    const related = o.incidents.filter((i) => mentions(i) || (i.sku === line.sku && i.kind === "oversold" && Date.parse(i.openedAt) >= line.receivedAt));
    const base = { orderId: line.orderId, channel: line.channel, sku: line.sku, units: line.units, acceptedAtMs: line.receivedAt - o.saleStart };
    if (o.mode === "naive")
      return [{ ...base, detectMs: line.pickedAt - line.receivedAt, recoverMs: null, outcome: "found at the shelf by the picker; no automatic recovery" }];
    const detected = related.map((i) => Date.parse(i.openedAt)).sort((a, b) => a - b)[0];
    const actions = o.incidents.filter(mentions).flatMap((i) => i.actions.filter((a) => a.result === "ok" && a.target.includes(bare)));
    const done = actions.filter((a) => ["refund", "code", "email", "escalate"].includes(a.action));
    const escalated = done.some((a) => a.action === "escalate");
    const refunded = done.some((a) => a.action === "refund") && done.some((a) => a.action === "email");
    const finishedAt = escalated || refunded ? Math.max(...done.map((a) => Date.parse(a.at))) : null;
    return [
      {
        ...base,
        detectMs: detected === undefined ? null : Math.max(0, detected - line.receivedAt),
        recoverMs: finishedAt === null ? null : finishedAt - line.receivedAt,
        outcome: escalated ? "escalated to a human" : refunded ? "refunded, apology code and email sent" : "not recovered",
      },
    ];
  });
}
