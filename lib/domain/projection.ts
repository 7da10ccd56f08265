import type { Channel, StockEvent } from "./events";

/**
 * The stock projection of one SKU as a pure state machine: the specification that the Redis
 * Lua script `APPLY_EVENT_LUA` (`lib/redis/scripts/apply-event.ts`) is tested against.
 * Production applies events with the script; `applyEvent`/`applyAll` run only in tests.
 * `tests/integration/projection-redis.test.ts` runs random event sequences through both and
 * requires identical projections, so change them together (docs/architecture.md#projection).
 *
 * Why it is order-tolerant (I2): every stored fact is commutative —
 * - on-hand at a location = last cycle count (by `occurredAt`, then id) + the deltas that
 *   occurred strictly after it; deltas at or before the count are subsumed by it;
 * - an order line keeps sums (reserved, released, kept, picked) and a cancelled flag, and its
 *   outstanding reservation is derived from them, never stored as a running balance.
 * Idempotence (I1) comes from remembering applied effect ids.
 */

export interface CountFact {
  at: number;
  id: string;
  qty: number;
}

export interface Movement {
  id: string;
  at: number;
  delta: number;
}

export interface OrderLine {
  reserved: number;
  released: number;
  /** Of `released`, units refunded without restock: the selling channel keeps them off its count. */
  kept: number;
  picked: number;
  cancelled: boolean;
  /**
   * Whether the cancellation restocked every unit not picked or kept. `false` for a channel whose
   * cancellation restocks only through refund lines (Shopify: `orderCancel(restock: false)` is a
   * merchant's choice), which then arrive as releases.
   */
  cancelRestocks: boolean;
  /** Where the reservation sits; `null` = not assigned to a location yet. */
  locationId: string | null;
  /** Id of the reserve event that set the location: the greatest id wins, so delivery order cannot matter. */
  locationBy: string | null;
  /**
   * Where the channel routed the line (Shopify's fulfillment order location), which outranks the
   * reserve's location; `null` until a `relocate` arrives. Optional so lines stored before
   * routing existed still read.
   */
  routedTo?: string | null;
  /** The winning routing's time (ms) and id: the newest (time, then id) wins. */
  routedAt?: number;
  routedBy?: string | null;
}

/** What every reader needs: raw on-hand and outstanding reservations. */
export interface Projection {
  onHand: Record<string, number>;
  reserved: Record<string, number>;
  /** Reservations not assigned to a location (e.g. online orders before fulfilment routing). */
  unassigned: number;
}

export interface SkuState {
  applied: ReadonlySet<string>;
  counts: Readonly<Record<string, CountFact>>;
  /** Deltas not (yet) subsumed by a cycle count, per location. */
  movements: Readonly<Record<string, readonly Movement[]>>;
  lines: Readonly<Record<string, OrderLine>>;
  projection: Projection;
}

export type Effect =
  | "applied"
  | "duplicate"
  /** A movement that occurred before the last applied cycle count: the count already includes it. */
  | "subsumed"
  /** A cycle count older than the last applied one. */
  | "stale_count";

export interface ApplyResult {
  state: SkuState;
  effect: Effect;
  /** Change of `channelHeld` for the event's order line (0 when it names none). */
  lineDelta: number;
}

export const emptySkuState = (): SkuState => ({
  applied: new Set(),
  counts: {},
  movements: {},
  lines: {},
  projection: { onHand: {}, reserved: {}, unassigned: 0 },
});

export const timeOf = (iso: string): number => Date.parse(iso);

/** Signed on-hand change of a WMS movement; `null` for events that do not move on-hand. */
export function onHandDelta(event: StockEvent): number | null {
  switch (event.kind) {
    case "receipt":
    case "return":
    case "adjustment":
      return event.quantity;
    case "pick":
    case "short_pick":
      return -event.quantity;
    default:
      return null;
  }
}

/** Outstanding reservation of one order line. */
export const outstanding = (line: OrderLine): number => (line.cancelled ? 0 : Math.max(0, line.reserved - line.released - line.picked));

/**
 * What the line's selling channel has taken off its own count: it lowers its number at the
 * sale and puts back refunds with restock (a refund without restock puts nothing back); a
 * cancellation restocks all but what was picked or refunded without restock, unless its
 * restocks arrive as releases (`cancelRestocks: false`). Derived from sums, so a refund
 * delivered before its order still nets out right when the order arrives.
 */
export const channelHeld = (line: OrderLine): number => {
  const open = Math.max(0, line.reserved - (line.released - line.kept));
  return line.cancelled && line.cancelRestocks ? Math.min(line.picked + line.kept, open) : open;
};

/** Strict order of cycle counts: later `occurredAt` wins, ties broken by id. */
export const countIsNewer = (a: { at: number; id: string }, b: { at: number; id: string } | undefined): boolean =>
  b === undefined || a.at > b.at || (a.at === b.at && a.id > b.id);

const emptyLine = (): OrderLine => ({
  reserved: 0,
  released: 0,
  kept: 0,
  picked: 0,
  cancelled: false,
  cancelRestocks: true,
  locationId: null,
  locationBy: null,
});

/** A relocate wins over the line's current routing when it is newer: later `routedAt`, ties broken by id. */
const routesLine = (event: StockEvent & { kind: "relocate" }, line: OrderLine): boolean =>
  !line.routedBy || event.routedAt > (line.routedAt ?? 0) || (event.routedAt === (line.routedAt ?? 0) && event.id > line.routedBy);

const placesLine = (event: StockEvent & { kind: "reserve" }, line: OrderLine): boolean =>
  event.locationId !== undefined && (line.locationBy === null || event.id > line.locationBy);

/** Line changes an event causes, if any. */
function lineChange(event: StockEvent, line: OrderLine): OrderLine | null {
  switch (event.kind) {
    case "reserve":
      return {
        ...line,
        reserved: line.reserved + event.quantity,
        ...(placesLine(event, line) ? { locationId: event.locationId ?? null, locationBy: event.id } : {}),
      };
    case "release":
      return { ...line, released: line.released + event.quantity, kept: line.kept + (event.restocked === false ? event.quantity : 0) };
    case "cancel_line":
      // Once any cancel says its restocks come as releases, it stays so: the order of deliveries cannot matter.
      return { ...line, cancelled: true, cancelRestocks: line.cancelRestocks && event.restocked !== false };
    case "relocate":
      return routesLine(event, line) ? { ...line, routedTo: event.locationId, routedAt: event.routedAt, routedBy: event.id } : line;
    case "pick":
      return event.lineKey ? { ...line, picked: line.picked + event.quantity } : null;
    default:
      return null;
  }
}

/** Where the line's outstanding amount sits: the channel's routing, else the reserve's location, else unassigned. */
export const lineLocation = (line: OrderLine): string | null => line.routedTo ?? line.locationId;
const reservedKey = lineLocation;

function moveReservation(projection: Projection, before: OrderLine, after: OrderLine): Projection {
  const reserved = { ...projection.reserved };
  let unassigned = projection.unassigned;
  const shift = (line: OrderLine, sign: 1 | -1) => {
    const amount = sign * outstanding(line);
    if (amount === 0) return;
    const key = reservedKey(line);
    if (key === null) unassigned += amount;
    else reserved[key] = (reserved[key] ?? 0) + amount;
  };
  shift(before, -1);
  shift(after, 1);
  return { ...projection, reserved, unassigned };
}

function applyOnHand(state: SkuState, event: StockEvent & { locationId: string }, at: number): ApplyResult {
  const loc = event.locationId;
  const count = state.counts[loc];
  const list = state.movements[loc] ?? [];
  if (event.kind === "cycle_count") {
    const fact = { at, id: event.id, qty: event.quantity };
    if (!countIsNewer(fact, count)) return { state, effect: "stale_count", lineDelta: 0 };
    const after = list.filter((m) => m.at > at);
    const onHand = fact.qty + after.reduce((sum, m) => sum + m.delta, 0);
    return {
      effect: "applied",
      lineDelta: 0,
      state: {
        ...state,
        counts: { ...state.counts, [loc]: fact },
        movements: { ...state.movements, [loc]: after },
        projection: { ...state.projection, onHand: { ...state.projection.onHand, [loc]: onHand } },
      },
    };
  }
  const delta = onHandDelta(event) ?? 0;
  if (count !== undefined && at <= count.at) return { state, effect: "subsumed", lineDelta: 0 };
  return {
    effect: "applied",
    lineDelta: 0,
    state: {
      ...state,
      movements: { ...state.movements, [loc]: [...list, { id: event.id, at, delta }] },
      projection: {
        ...state.projection,
        onHand: { ...state.projection.onHand, [loc]: (state.projection.onHand[loc] ?? 0) + delta },
      },
    },
  };
}

/**
 * Apply one event to one SKU's state. The SKU of the event is not checked here:
 * callers route events to the state of their SKU.
 */
export function applyEvent(state: SkuState, event: StockEvent): ApplyResult {
  if (state.applied.has(event.id)) return { state, effect: "duplicate", lineDelta: 0 };
  const at = timeOf(event.occurredAt);
  let next: SkuState = { ...state, applied: new Set(state.applied).add(event.id) };
  let effect: Effect = "applied";
  let lineDelta = 0;

  // A reserve's, a routing's and a channel restock's location is the channel's, not an on-hand movement.
  if ("locationId" in event && event.locationId !== undefined && event.kind !== "reserve" && event.kind !== "relocate" && event.kind !== "channel_restock") {
    const result = applyOnHand(next, event as StockEvent & { locationId: string }, at);
    next = result.state;
    effect = result.effect;
  }

  if ("lineKey" in event && event.lineKey !== undefined) {
    const before = next.lines[event.lineKey] ?? emptyLine();
    const after = lineChange(event, before);
    if (after !== null) {
      lineDelta = channelHeld(after) - channelHeld(before);
      next = {
        ...next,
        lines: { ...next.lines, [event.lineKey]: after },
        projection: moveReservation(next.projection, before, after),
      };
    }
  }
  return { state: next, effect, lineDelta };
}

export const applyAll = (state: SkuState, events: readonly StockEvent[]): SkuState =>
  events.reduce((current, event) => applyEvent(current, event).state, state);

/** One SKU as the projection hash stores it (lib/redis/projection-codec.ts decodes it), with its buffers and version. */
export interface SkuSnapshot {
  projection: Projection;
  /** Per-SKU buffer overrides (merchant-editable), by channel. */
  buffers: Partial<Record<Channel, number>>;
  version: number;
  updatedAt: number;
}
