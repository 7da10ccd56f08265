import fc from "fast-check";
import type { StockEvent } from "@/lib/domain/events";

/**
 * Random but valid event histories shaped like what a store's sources send (lib/sources/*),
 * used by the property tests (unit and Redis). A history is a list of stories, each what one
 * real-world thing produces:
 * - WMS movements (receipt, return, adjustment, cycle count) at one of two locations;
 * - a cycle count with a movement at the very same instant and location (the tie the count subsumes);
 * - an inbound delivery: receipts of several SKUs at one instant;
 * - an order from Shopify, the marketplace or a POS, with 1–3 lines (often of the same SKU), the
 *   reserve on the channel its line key names, then WMS picks of the line, a short pick, partial
 *   Shopify refunds of each restock type (cancel → release, no_restock → `restocked: false`
 *   release, return → the WMS return of the unit), and the cancellation of the whole order,
 *   usually after some picks.
 * Effect ids follow the parsers' schemes (`wms:…`, `shopify:reserve:…`, `pos:cancel:…`), so
 * every id is unique in a history and stable across its redeliveries.
 *
 * fast-check 4 caps generated arrays at 10 elements unless told a size: every array here
 * passes `size: "max"` or exact lengths, so the declared bounds are what is generated.
 */

export const LOCATIONS = ["wh-east", "wh-west"] as const;
export const ORDER_SOURCES = ["shopify", "marketplace", "pos"] as const;
type OrderSource = (typeof ORDER_SOURCES)[number];

/** One minute of whole seconds: with 50–500 events, equal `occurredAt` values are common. */
const INSTANTS = 60;
export const instantIso = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, Math.min(INSTANTS - 1, Math.max(0, s)))).toISOString();
const second = fc.integer({ min: 0, max: INSTANTS - 1 });
/** A later (or the same) instant: follow-ups of an order mostly happen after it, sometimes at the same second. */
const after = fc.integer({ min: 0, max: 8 });
const location = fc.constantFrom(...LOCATIONS);

const movementKind = fc.constantFrom("receipt", "return", "adjustment", "cycle_count");
const movementStory = (skus: readonly string[]) =>
  fc.record({
    story: fc.constant("movement" as const),
    sku: fc.constantFrom(...skus),
    kind: movementKind,
    location,
    quantity: fc.integer({ min: 1, max: 20 }),
    sign: fc.boolean(),
    at: second,
  });

const countTieStory = (skus: readonly string[]) =>
  fc.record({
    story: fc.constant("count_tie" as const),
    sku: fc.constantFrom(...skus),
    location,
    count: fc.integer({ min: 0, max: 40 }),
    movement: fc.constantFrom("receipt", "adjustment", "pick"),
    quantity: fc.integer({ min: 1, max: 10 }),
    at: second,
  });

const deliveryStory = (skus: readonly string[]) =>
  fc.record({
    story: fc.constant("delivery" as const),
    skus: fc.shuffledSubarray([...skus], { minLength: 1, maxLength: skus.length }),
    quantity: fc.integer({ min: 1, max: 30 }),
    location,
    at: second,
  });

const lineStory = (skus: readonly string[]) =>
  fc.record({
    sku: fc.constantFrom(...skus),
    quantity: fc.integer({ min: 1, max: 6 }),
    picks: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 6 }), location, after }), { maxLength: 2, size: "max" }),
    shortPick: fc.option(fc.record({ quantity: fc.integer({ min: 1, max: 3 }), after }), { freq: 6, nil: undefined }),
    refunds: fc.array(fc.record({ restock: fc.constantFrom("cancel", "no_restock", "return"), quantity: fc.integer({ min: 1, max: 6 }), after }), {
      maxLength: 2,
      size: "max",
    }),
  });

const orderStory = (skus: readonly string[]) =>
  fc.record({
    story: fc.constant("order" as const),
    source: fc.constantFrom(...ORDER_SOURCES),
    /** Where it sells from: a POS always knows; a Shopify order sometimes (POS/staff orders); a marketplace never. */
    location: fc.option(location, { nil: undefined }),
    at: second,
    lines: fc.array(lineStory(skus), { minLength: 1, maxLength: 3, size: "max" }),
    cancel: fc.option(fc.record({ after }), { freq: 3, nil: undefined }),
  });

/**
 * A lone order event on a line shared by many stories (like the old free-form generator): several
 * reserves of one line at different locations, picks of lines never reserved, releases beyond
 * what was reserved. Not what a store sends, but the model must stay order-tolerant under it.
 */
const strayStory = (skus: readonly string[]) =>
  fc.record({
    story: fc.constant("stray" as const),
    sku: fc.constantFrom(...skus),
    source: fc.constantFrom(...ORDER_SOURCES),
    line: fc.integer({ min: 1, max: 2 }),
    kind: fc.constantFrom("reserve", "release", "cancel_line", "cancel_no_restock", "channel_restock", "pick", "short_pick", "relocate"),
    location: fc.option(location, { nil: undefined }),
    quantity: fc.integer({ min: 0, max: 8 }),
    at: second,
  });

const storyArbitrary = (skus: readonly string[]) =>
  fc.oneof(
    { weight: 1, arbitrary: strayStory(skus) },
    { weight: 5, arbitrary: movementStory(skus) },
    { weight: 1, arbitrary: countTieStory(skus) },
    { weight: 1, arbitrary: deliveryStory(skus) },
    { weight: 4, arbitrary: orderStory(skus) },
  );
type Story = typeof storyArbitrary extends (skus: readonly string[]) => fc.Arbitrary<infer S> ? S : never;

const wms = (id: string, sku: string, kind: string, locationId: string, quantity: number, at: number, lineKey?: string): StockEvent =>
  ({
    id: `wms:${id}`,
    kind,
    sku,
    locationId,
    quantity,
    occurredAt: instantIso(at),
    source: "wms",
    sourceUri: `wms://events/${id}`,
    ...(lineKey ? { lineKey } : {}),
  }) as StockEvent;

const orderId = (source: OrderSource, k: number) => (source === "shopify" ? String(450_000 + k) : source === "marketplace" ? `MK-${k}` : `S-${k}`);

function storyEvents(story: Story, k: number): StockEvent[] {
  switch (story.story) {
    case "movement": {
      const quantity = story.kind === "adjustment" && story.sign ? -story.quantity : story.kind === "cycle_count" ? story.quantity * 2 : story.quantity;
      return [wms(`m${k}`, story.sku, story.kind, story.location, quantity, story.at)];
    }
    case "count_tie":
      return [
        wms(`cc${k}`, story.sku, "cycle_count", story.location, story.count, story.at),
        wms(`t${k}`, story.sku, story.movement, story.location, story.movement === "adjustment" ? -story.quantity : story.quantity, story.at),
      ];
    case "delivery":
      return story.skus.map((sku, i) => wms(`asn${k}-${i}`, sku, "receipt", story.location, story.quantity + i, story.at));
    case "order":
      return orderEvents(story, k);
    case "stray": {
      const lineKey = `${story.source}:STRAY:${story.line}`;
      const common = {
        sku: story.sku,
        source: story.source,
        channel: story.source,
        lineKey,
        sourceUri: "test://stray",
        occurredAt: instantIso(story.at),
      } as const;
      switch (story.kind) {
        case "reserve":
          return [
            {
              ...common,
              id: `${story.source}:reserve:X${k}`,
              kind: "reserve",
              quantity: story.quantity,
              ...(story.location ? { locationId: story.location } : {}),
            },
          ];
        case "release":
          return [{ ...common, id: `${story.source}:refund:X${k}`, kind: "release", quantity: story.quantity }];
        case "cancel_line":
          return [{ ...common, id: `${story.source}:cancel:X${k}`, kind: "cancel_line" }];
        case "cancel_no_restock":
          return [{ ...common, id: `${story.source}:cancel:X${k}`, kind: "cancel_line", restocked: false }];
        case "channel_restock":
          return [
            {
              ...common,
              id: `${story.source}:restock:X${k}`,
              kind: "channel_restock",
              quantity: story.quantity,
              ...(story.location ? { locationId: story.location } : {}),
            },
          ];
        case "relocate":
          // A small routedAt on purpose: routings of one line tie often, so the id tie-break is exercised.
          return [{ ...common, id: `${story.source}:route:X${k}`, kind: "relocate", locationId: story.location ?? LOCATIONS[1]!, routedAt: story.quantity }];
        default:
          return [wms(`x${k}`, story.sku, story.kind, story.location ?? LOCATIONS[0], story.quantity, story.at, lineKey)];
      }
    }
  }
}

function orderEvents(story: Story & { story: "order" }, k: number): StockEvent[] {
  const { source } = story;
  const order = orderId(source, k);
  const sellsFrom = source === "pos" ? (story.location ?? LOCATIONS[0]) : source === "shopify" ? story.location : undefined;
  const uri = `${source}://orders/${order}`;
  const events: StockEvent[] = [];
  let last = story.at;
  story.lines.forEach((line, i) => {
    const lineId = String(i + 1);
    const lineKey = `${source}:${order}:${lineId}`;
    const channel = { source, channel: source, lineKey, sku: line.sku, sourceUri: uri } as const;
    events.push({
      ...channel,
      id: `${source}:reserve:${order}:${lineId}`,
      kind: "reserve",
      quantity: line.quantity,
      occurredAt: instantIso(story.at),
      ...(sellsFrom ? { locationId: sellsFrom } : {}),
    });
    let at = story.at;
    let unpicked = line.quantity;
    line.picks.forEach((pick, j) => {
      const quantity = Math.min(pick.quantity, unpicked);
      if (quantity === 0) return;
      unpicked -= quantity;
      at += pick.after;
      events.push(wms(`p${k}-${i}-${j}`, line.sku, "pick", sellsFrom ?? pick.location, quantity, at, lineKey));
    });
    if (line.shortPick && unpicked > 0) {
      at += line.shortPick.after;
      events.push(wms(`sp${k}-${i}`, line.sku, "short_pick", sellsFrom ?? LOCATIONS[1], Math.min(line.shortPick.quantity, unpicked), at, lineKey));
    }
    // Refunds exist on Shopify only; the parser turns restock types into these events (lib/sources/shopify.ts releaseEvents).
    if (source === "shopify")
      line.refunds.forEach((refund, j) => {
        const quantity = Math.min(refund.quantity, line.quantity);
        const refundAt = story.at + refund.after;
        if (refund.restock === "return") {
          events.push(wms(`ret${k}-${i}-${j}`, line.sku, "return", sellsFrom ?? LOCATIONS[0], quantity, refundAt + 1));
          return;
        }
        events.push({
          ...channel,
          id: `shopify:refund:R${k}-${j}:${lineId}`,
          kind: "release",
          quantity,
          occurredAt: instantIso(refundAt),
          ...(refund.restock === "no_restock" ? { restocked: false } : {}),
        });
      });
    last = Math.max(last, at);
  });
  if (story.cancel) {
    const cancelAt = last + story.cancel.after;
    for (const [i, line] of story.lines.entries()) {
      const lineId = String(i + 1);
      events.push({
        id: `${source}:cancel:${order}:${lineId}`,
        kind: "cancel_line",
        sku: line.sku,
        source,
        channel: source,
        lineKey: `${source}:${order}:${lineId}`,
        sourceUri: uri,
        occurredAt: instantIso(cancelAt),
      });
    }
  }
  return events;
}

export interface HistoryOptions {
  /** Events per history, inclusive. */
  minEvents?: number;
  maxEvents?: number;
}

/** Events a story yields on average (measured ≈ 3): sizes the number of stories drawn for a history. */
const EVENTS_PER_STORY = 3;

/**
 * A history of minEvents–maxEvents events over `skus`, unique effect ids. Stories are drawn by
 * count (about a third of the events wanted), not one per event: generating is what costs here.
 */
export const historyArbitrary = (skus: string | readonly string[], { minEvents = 50, maxEvents = 500 }: HistoryOptions = {}): fc.Arbitrary<StockEvent[]> => {
  const list = typeof skus === "string" ? [skus] : skus;
  const minStories = Math.ceil(minEvents / EVENTS_PER_STORY);
  const maxStories = Math.max(minStories, Math.ceil(maxEvents / EVENTS_PER_STORY));
  return fc
    .array(storyArbitrary(list), { minLength: minStories, maxLength: maxStories, size: "max" })
    .map((stories) => stories.flatMap((story, k) => storyEvents(story, k)).slice(0, maxEvents))
    .filter((history) => history.length >= minEvents);
};

/** The same effect id again with a different payload (a source resending a fact it has since corrected). */
function variantOf(event: StockEvent, shift: number): StockEvent {
  const occurredAt = instantIso(Date.parse(event.occurredAt) / 1000 - Date.UTC(2026, 10, 27, 12, 0, 0) / 1000 + shift);
  if (!("quantity" in event)) return { ...event, occurredAt };
  const quantity = event.kind === "adjustment" ? event.quantity + (event.quantity + shift === 0 ? shift + 1 : shift) : Math.max(0, event.quantity + shift);
  return { ...event, quantity, occurredAt } as StockEvent;
}

/**
 * The history as it arrives: each event at least once, some two or three times, about one in
 * fifteen once more with a different payload under its id, all in any order.
 */
export const deliveryArbitrary = (history: StockEvent[]): fc.Arbitrary<StockEvent[]> =>
  fc
    .array(fc.record({ copies: fc.integer({ min: 1, max: 3 }), variant: fc.integer({ min: 0, max: 14 }), shift: fc.integer({ min: 1, max: 4 }) }), {
      minLength: history.length,
      maxLength: history.length,
    })
    .map((plan) =>
      history.flatMap((event, i) => {
        const { copies, variant, shift } = plan[i] ?? { copies: 1, variant: 1, shift: 1 };
        const copiesOf = Array.from({ length: copies }, () => event);
        return variant === 0 ? [...copiesOf, variantOf(event, shift)] : copiesOf;
      }),
    )
    .chain((all) => fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));

/** The fact each id stands for once delivered: its first delivery (later ones, whatever they carry, are duplicates). */
export function firstDeliveries(delivery: readonly StockEvent[]): StockEvent[] {
  const first = new Map<string, StockEvent>();
  for (const event of delivery) if (!first.has(event.id)) first.set(event.id, event);
  return [...first.values()];
}

/** Events grouped by SKU, order kept: callers route each SKU's events to its own state. */
export function bySku(events: readonly StockEvent[]): Map<string, StockEvent[]> {
  const out = new Map<string, StockEvent[]>();
  for (const event of events) out.set(event.sku, [...(out.get(event.sku) ?? []), event]);
  return out;
}

/** Projections compare equal when they differ only by zero entries. */
export const normalizeProjection = (p: { onHand: Record<string, number>; reserved: Record<string, number>; unassigned: number }) => ({
  onHand: Object.fromEntries(
    Object.entries(p.onHand)
      .filter(([, n]) => n !== 0)
      .sort(),
  ),
  reserved: Object.fromEntries(
    Object.entries(p.reserved)
      .filter(([, n]) => n !== 0)
      .sort(),
  ),
  unassigned: p.unassigned,
});

/** What a set of histories contains, for the tests that assert the generator reaches the cases it claims. */
export interface HistoryTraits {
  events: number;
  cancelAfterPick: boolean;
  partialRelease: boolean;
  noRestockRelease: boolean;
  restockRelease: boolean;
  sameSkuLinesInOneOrder: boolean;
  countTiedWithMovement: boolean;
  wmsReturn: boolean;
  sources: Set<string>;
  reserveChannelMismatch: boolean;
  marketplaceReserve: boolean;
  posReserve: boolean;
  multiSkuDelivery: boolean;
}

export function historyTraits(history: readonly StockEvent[]): HistoryTraits {
  const reserves = new Map<string, number>();
  const lastPick = new Map<string, number>();
  const movementsAt = new Set<string>();
  const asn = new Map<string, Set<string>>();
  const lineSkus = new Map<string, string[]>();
  for (const e of history) {
    const at = Date.parse(e.occurredAt);
    if (e.kind === "reserve") {
      reserves.set(e.lineKey, e.quantity);
      const order = e.lineKey.split(":").slice(0, 2).join(":");
      lineSkus.set(order, [...(lineSkus.get(order) ?? []), e.sku]);
    }
    if (e.kind === "pick" && e.lineKey) lastPick.set(e.lineKey, Math.max(lastPick.get(e.lineKey) ?? -Infinity, at));
    if ("locationId" in e && e.locationId && e.kind !== "cycle_count" && e.kind !== "reserve") movementsAt.add(`${e.sku}|${e.locationId}|${at}`);
    const asnId = /^wms:asn(\d+)-/.exec(e.id)?.[1];
    if (asnId) asn.set(asnId, (asn.get(asnId) ?? new Set()).add(e.sku));
  }
  const releases = history.filter((e): e is StockEvent & { kind: "release" } => e.kind === "release");
  return {
    events: history.length,
    cancelAfterPick: history.some((e) => e.kind === "cancel_line" && lastPick.has(e.lineKey) && Date.parse(e.occurredAt) >= lastPick.get(e.lineKey)!),
    partialRelease: releases.some((e) => e.quantity < (reserves.get(e.lineKey) ?? 0)),
    noRestockRelease: releases.some((e) => e.restocked === false),
    restockRelease: releases.some((e) => e.restocked === undefined),
    sameSkuLinesInOneOrder: [...lineSkus.values()].some((skus) => new Set(skus).size < skus.length),
    countTiedWithMovement: history.some((e) => e.kind === "cycle_count" && movementsAt.has(`${e.sku}|${e.locationId}|${Date.parse(e.occurredAt)}`)),
    wmsReturn: history.some((e) => e.kind === "return"),
    sources: new Set(history.map((e) => e.source)),
    reserveChannelMismatch: history.some((e) => e.kind === "reserve" && !e.lineKey.startsWith(`${e.channel}:`)),
    marketplaceReserve: history.some((e) => e.kind === "reserve" && e.channel === "marketplace"),
    posReserve: history.some((e) => e.kind === "reserve" && e.channel === "pos" && e.locationId !== undefined),
    multiSkuDelivery: [...asn.values()].some((skus) => skus.size > 1),
  };
}

/** Deliveries that hold an id twice with different payloads. */
export const hasConflictingCopies = (delivery: readonly StockEvent[]): boolean => {
  const seen = new Map<string, string>();
  return delivery.some((e) => {
    const json = JSON.stringify(e);
    const before = seen.get(e.id);
    seen.set(e.id, before ?? json);
    return before !== undefined && before !== json;
  });
};
