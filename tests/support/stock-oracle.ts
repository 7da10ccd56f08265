import type { StockEvent } from "@/lib/domain/events";

/**
 * An independent, deliberately naive model of what a history of stock events should leave
 * behind, for tests to check the app against. It shares no code with lib/domain: no effect-id
 * sets, no subsumption bookkeeping. Each distinct event counts once (duplicates carry the same
 * id), events are replayed in `occurredAt` order and a cycle count simply overwrites on-hand.
 * Callers keep cycle counts off the instants of other movements at the same location, so that
 * sort order alone decides.
 */
export interface OracleState {
  onHand: Record<string, number>;
  reserved: Record<string, number>;
  unassigned: number;
}

interface Line {
  reserved: number;
  released: number;
  picked: number;
  cancelled: boolean;
  location: string | null;
}

export function oracle(events: readonly StockEvent[]): Map<string, OracleState> {
  const unique = new Map(events.map((e) => [e.id, e]));
  const bySku = new Map<string, StockEvent[]>();
  for (const e of unique.values()) bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), e]);
  const result = new Map<string, OracleState>();
  for (const [sku, list] of bySku) {
    const onHand: Record<string, number> = {};
    const lines = new Map<string, Line>();
    const line = (key: string) => lines.get(key) ?? lines.set(key, { reserved: 0, released: 0, picked: 0, cancelled: false, location: null }).get(key)!;
    for (const e of [...list].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))) {
      const add = (loc: string, n: number) => (onHand[loc] = (onHand[loc] ?? 0) + n);
      if (e.kind === "receipt" || e.kind === "return" || e.kind === "adjustment") add(e.locationId, e.quantity);
      if (e.kind === "pick" || e.kind === "short_pick") add(e.locationId, -e.quantity);
      if (e.kind === "cycle_count") onHand[e.locationId] = e.quantity;
      if (e.kind === "pick" && e.lineKey) line(e.lineKey).picked += e.quantity;
      if (e.kind === "reserve") {
        line(e.lineKey).reserved += e.quantity;
        if (e.locationId) line(e.lineKey).location = e.locationId;
      }
      if (e.kind === "release") line(e.lineKey).released += e.quantity;
      if (e.kind === "cancel_line") line(e.lineKey).cancelled = true;
    }
    const reserved: Record<string, number> = {};
    let unassigned = 0;
    for (const l of lines.values()) {
      const open = l.cancelled ? 0 : Math.max(0, l.reserved - l.released - l.picked);
      if (open === 0) continue;
      if (l.location) reserved[l.location] = (reserved[l.location] ?? 0) + open;
      else unassigned += open;
    }
    result.set(sku, { onHand, reserved, unassigned });
  }
  return result;
}

/**
 * What a channel should show, straight from the definition (README "Channel writes"): per
 * location on-hand − reserved − buffer, at least 0; reservations with no location yet are taken
 * from the locations in priority order.
 */
export function channelTargets(state: OracleState, buffer: number, locations: readonly string[]): Record<string, number> {
  let unassigned = state.unassigned;
  const out: Record<string, number> = {};
  for (const loc of locations) {
    const free = Math.max(0, (state.onHand[loc] ?? 0) - (state.reserved[loc] ?? 0) - buffer);
    const taken = Math.min(free, unassigned);
    unassigned -= taken;
    out[loc] = free - taken;
  }
  return out;
}
