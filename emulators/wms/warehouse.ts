import type { Channel } from "../../lib/domain/events";
import { log } from "../../lib/log";
import type { WmsEvent } from "../../lib/sources/wms";
import { HttpError } from "../shared/http";
import { channelPrefix, type OrderRequest } from "./schemas";
import type { WarehouseState } from "./warehouse-state";

/**
 * The warehouse floor: physical units per SKU per location, the open fulfillment orders and
 * the picker who works through them. Every physical change that a real WMS would record
 * becomes an event; a silent shrink does not (that is the point of it).
 */
export type LineStatus = "open" | "picked" | "short" | "cancelled";
export type OrderStatus = "open" | "picked" | "short" | "cancelled";

export interface WmsOrderLine {
  lineId: string;
  sku: string;
  quantity: number;
  locationId?: string;
  status: LineStatus;
  picked: number;
  short: number;
  /** Picked units put back on the shelf when the order was cancelled. */
  restocked: number;
  pickedFrom?: string;
  pickedAt?: string;
  /** When the picker gets to this line (epoch ms). */
  dueAt: number;
}

export interface WmsOrder {
  orderId: string;
  channel?: Channel;
  receivedAt: string;
  status: OrderStatus;
  lines: WmsOrderLine[];
}

export interface Lag {
  min: number;
  max: number;
}

export interface WarehouseCounters {
  ordersReceived: number;
  duplicateOrders: number;
  picks: number;
  pickedUnits: number;
  shortPicks: number;
  shortUnits: number;
  receipts: number;
  returns: number;
  adjustments: number;
  cycleCounts: number;
  silentShrinks: number;
  cancelledLines: number;
}

export interface WarehouseOptions {
  locations: readonly string[];
  initialStock: Record<string, Record<string, number>>;
  lagMs: Lag;
  paused: boolean;
  random: () => number;
  emit(event: WmsEvent): void;
  now?: () => number;
  /**
   * Closed orders (picked, short, cancelled) kept, oldest dropped first; open ones are always
   * kept. Unbounded by default (a load run reads every order back); a saved warehouse caps it,
   * since its state file is rewritten on every change.
   */
  maxClosedOrders?: number;
}

interface OpenLine {
  order: WmsOrder;
  line: WmsOrderLine;
}

type OrderRef = Pick<WmsEvent, "orderId" | "lineId" | "channel">;

export class Warehouse {
  readonly counters: WarehouseCounters = {
    ordersReceived: 0,
    duplicateOrders: 0,
    picks: 0,
    pickedUnits: 0,
    shortPicks: 0,
    shortUnits: 0,
    receipts: 0,
    returns: 0,
    adjustments: 0,
    cycleCounts: 0,
    silentShrinks: 0,
    cancelledLines: 0,
  };
  private readonly stock = new Map<string, Map<string, number>>();
  private readonly orders = new Map<string, WmsOrder>();
  private readonly open = new Set<OpenLine>();
  private readonly now: () => number;
  private lag: Lag;
  private paused: boolean;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private eventSeq = 0;
  /** Called after the pick timer changed the floor (persistence saves it). */
  onPicked: () => void = () => undefined;
  /** Closed orders in the order they closed, for the cap (tracked only when there is one). */
  private readonly closed = new Set<string>();

  constructor(private readonly opts: WarehouseOptions) {
    this.now = opts.now ?? Date.now;
    this.lag = opts.lagMs;
    this.paused = opts.paused;
    for (const [sku, perLocation] of Object.entries(opts.initialStock)) {
      for (const [location, n] of Object.entries(perLocation)) {
        if (!opts.locations.includes(location)) throw new Error(`initialStock names unknown location ${location} (locations: ${opts.locations.join(", ")})`);
        this.set(sku, location, n);
      }
    }
  }

  // ------------------------------------------------------------------ fulfillment orders

  /** Queue an order; the same orderId again returns the first one unchanged (idempotent). */
  submit(request: OrderRequest): { order: WmsOrder; created: boolean } {
    const existing = this.orders.get(request.orderId);
    if (existing) {
      this.counters.duplicateOrders++;
      return { order: existing, created: false };
    }
    for (const line of request.lines) if (line.locationId !== undefined) this.assertLocation(line.locationId);
    if (request.fromFreeShelf) {
      const free = this.shelf();
      for (const line of request.lines) {
        const location = line.locationId ?? this.opts.locations[0] ?? "";
        const have = free[line.sku]?.[location] ?? 0;
        if (have < line.quantity) throw new HttpError(409, `only ${have} of ${line.sku} free on the shelf at ${location}`);
      }
    }
    const received = this.now();
    const order: WmsOrder = {
      orderId: request.orderId,
      ...(request.channel && !channelPrefix(request.orderId) ? { channel: request.channel } : {}),
      receivedAt: new Date(received).toISOString(),
      status: "open",
      lines: request.lines.map((l) => ({
        lineId: l.lineId,
        sku: l.sku,
        quantity: l.quantity,
        ...(l.locationId !== undefined ? { locationId: l.locationId } : {}),
        status: "open",
        picked: 0,
        short: 0,
        restocked: 0,
        dueAt: request.pickNow ? received : received + this.drawLag(),
      })),
    };
    this.orders.set(order.orderId, order);
    this.counters.ordersReceived++;
    const entries = order.lines.map((line) => ({ order, line }));
    if (request.pickNow) {
      for (const entry of entries) this.pick(entry);
    } else {
      for (const entry of entries) this.open.add(entry);
      this.arm(Math.min(...order.lines.map((l) => l.dueAt)));
    }
    return { order, created: true };
  }

  /** Cancel what is not picked yet; with `restock`, put picked units back (a `return` each). */
  cancel(orderId: string, restock: boolean): WmsOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new HttpError(404, `no order ${orderId}`);
    for (const entry of [...this.open]) {
      if (entry.order !== order) continue;
      this.open.delete(entry);
      entry.line.status = "cancelled";
      this.counters.cancelledLines++;
    }
    if (restock) {
      for (const line of order.lines) {
        const back = line.picked - line.restocked;
        if (back <= 0 || line.pickedFrom === undefined) continue;
        this.set(line.sku, line.pickedFrom, this.count(line.sku, line.pickedFrom) + back);
        line.restocked += back;
        line.status = "cancelled";
        this.counters.returns++;
        this.emitEvent("return", line.sku, line.pickedFrom, back, this.reference(order, line));
      }
    }
    order.status = orderStatus(order);
    this.settle(order);
    return order;
  }

  listOrders(status?: OrderStatus): WmsOrder[] {
    return [...this.orders.values()].filter((o) => status === undefined || o.status === status);
  }

  // ------------------------------------------------------------------ the floor (control API)

  receive(sku: string, location: string, quantity: number): void {
    this.assertLocation(location);
    this.set(sku, location, this.count(sku, location) + quantity);
    this.counters.receipts++;
    this.emitEvent("receipt", sku, location, quantity);
  }

  returnUnits(sku: string, location: string, quantity: number): void {
    this.assertLocation(location);
    this.set(sku, location, this.count(sku, location) + quantity);
    this.counters.returns++;
    this.emitEvent("return", sku, location, quantity);
  }

  /** A count is the truth found on the shelf: physical becomes it. Without a number, the shelf is counted as it is. */
  cycleCount(sku: string, location: string, quantity?: number): number {
    this.assertLocation(location);
    const counted = quantity ?? this.count(sku, location);
    this.set(sku, location, counted);
    this.counters.cycleCounts++;
    this.emitEvent("cycle_count", sku, location, counted);
    return counted;
  }

  damage(sku: string, location: string, quantity: number): void {
    this.takeOff(sku, location, quantity);
    this.counters.adjustments++;
    this.emitEvent("adjustment", sku, location, -quantity);
  }

  /** Theft or loss nobody records: no event, so the app finds out at the next pick or count. */
  shrink(sku: string, location: string, quantity: number): void {
    this.takeOff(sku, location, quantity);
    this.counters.silentShrinks++;
  }

  snapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [sku, perLocation] of this.stock) out[sku] = Object.fromEntries(perLocation);
    return out;
  }

  /**
   * Units on the shelf that no open order is waiting for: what a store clerk can sell to a
   * walk-in. Routed lines hold their location's units; unrouted ones are set aside in
   * location order, as the picker will take them.
   */
  shelf(): Record<string, Record<string, number>> {
    const free = this.snapshot();
    const unrouted: WmsOrderLine[] = [];
    for (const { line } of this.open) {
      if (line.locationId === undefined) unrouted.push(line);
      else if (free[line.sku]) free[line.sku]![line.locationId] = (free[line.sku]![line.locationId] ?? 0) - line.quantity;
    }
    for (const line of unrouted) {
      let left = line.quantity;
      for (const location of this.opts.locations) {
        const levels = free[line.sku];
        if (!levels || left === 0) break;
        const take = Math.min(left, Math.max(0, levels[location] ?? 0));
        levels[location] = (levels[location] ?? 0) - take;
        left -= take;
      }
    }
    for (const levels of Object.values(free)) for (const location of Object.keys(levels)) levels[location] = Math.max(0, levels[location] ?? 0);
    return free;
  }

  count(sku: string, location: string): number {
    return this.stock.get(sku)?.get(location) ?? 0;
  }

  // ------------------------------------------------------------------ the picker

  /** `nextPickAt`: when the pick timer fires next (epoch ms), null when none is armed — so tests can see nothing is scheduled without waiting. */
  picking(): { paused: boolean; lagMs: Lag; openLines: number; nextPickAt: number | null } {
    return { paused: this.paused, lagMs: { ...this.lag }, openLines: this.open.size, nextPickAt: this.timer === undefined ? null : this.timerDue };
  }

  /** New lag applies to orders received from now on; resuming picks what fell due meanwhile. */
  setPicking(change: { paused?: boolean | undefined; lagMs?: Lag | undefined }): void {
    if (change.lagMs) this.lag = change.lagMs;
    if (change.paused !== undefined && change.paused !== this.paused) {
      this.paused = change.paused;
      this.disarm();
      if (!this.paused) this.armNext();
    }
  }

  stop(): void {
    this.paused = true;
    this.disarm();
  }

  // ------------------------------------------------------------------ saved state

  saved(): WarehouseState {
    return { stock: this.snapshot(), orders: [...this.orders.values()], lagMs: { ...this.lag }, paused: this.paused, eventSeq: this.eventSeq };
  }

  /**
   * Replaces the floor with a saved one. Open lines keep their due times: the picker is
   * re-armed for the earliest, so lines that fell due while the WMS was down are picked at once.
   */
  restore(state: WarehouseState): void {
    for (const perLocation of Object.values(state.stock)) for (const location of Object.keys(perLocation)) this.assertKnown(location, "saved stock");
    this.disarm();
    this.stock.clear();
    this.orders.clear();
    this.open.clear();
    this.closed.clear();
    for (const [sku, perLocation] of Object.entries(state.stock)) for (const [location, n] of Object.entries(perLocation)) this.set(sku, location, n);
    for (const order of state.orders) {
      this.orders.set(order.orderId, order);
      for (const line of order.lines) if (line.status === "open") this.open.add({ order, line });
      this.settle(order);
    }
    this.lag = state.lagMs;
    this.paused = state.paused;
    this.eventSeq = state.eventSeq;
    this.armNext();
  }

  /** Counts a closed order against the cap and drops the oldest closed ones beyond it. */
  private settle(order: WmsOrder): void {
    const max = this.opts.maxClosedOrders;
    if (max === undefined || order.status === "open") return;
    this.closed.add(order.orderId);
    for (const orderId of this.closed) {
      if (this.closed.size <= max) break;
      this.closed.delete(orderId);
      this.orders.delete(orderId);
    }
  }

  private drawLag(): number {
    return this.lag.min + Math.floor(this.opts.random() * (this.lag.max - this.lag.min + 1));
  }

  /** One timer for the earliest due line (not one per line: a flash sale queues thousands). */
  private arm(due: number): void {
    if (this.paused || due >= this.timerDue) return;
    this.disarm();
    this.timerDue = due;
    this.timer = setTimeout(() => this.pickDue(), Math.max(0, due - this.now()));
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private armNext(): void {
    let next = Infinity;
    for (const { line } of this.open) next = Math.min(next, line.dueAt);
    if (next < Infinity) this.arm(next);
  }

  private pickDue(): void {
    this.disarm();
    const now = this.now();
    // Stable sort: lines due at the same moment are picked in arrival order.
    const due = [...this.open].filter((e) => e.line.dueAt <= now).sort((a, b) => a.line.dueAt - b.line.dueAt);
    for (const entry of due) this.pick(entry);
    this.armNext();
    if (due.length > 0) this.onPicked();
  }

  /**
   * Pick what the shelves hold; report the rest as short (the app opens an oversell incident).
   * A line routed to a location is picked there; an unrouted one from the location holding all
   * of it, else split across locations, as a 3PL ships a split order rather than shorting it.
   */
  private pick(entry: OpenLine): void {
    const { order, line } = entry;
    this.open.delete(entry);
    const location = line.locationId ?? this.chooseLocation(line.sku, line.quantity);
    const sources = line.locationId ? [location] : [location, ...this.opts.locations.filter((l) => l !== location)];
    const ref = this.reference(order, line);
    let picked = 0;
    for (const source of sources) {
      const have = this.count(line.sku, source);
      const take = Math.min(have, line.quantity - picked);
      if (take <= 0) continue;
      this.set(line.sku, source, have - take);
      this.counters.picks++;
      this.counters.pickedUnits += take;
      this.emitEvent("pick", line.sku, source, take, ref);
      picked += take;
    }
    const short = line.quantity - picked;
    if (short > 0) {
      this.counters.shortPicks++;
      this.counters.shortUnits += short;
      this.emitEvent("short_pick", line.sku, location, short, ref);
      log.warn("wms.short_pick", { orderId: order.orderId, lineId: line.lineId, sku: line.sku, locationId: location, short });
    }
    line.status = short > 0 ? "short" : "picked";
    line.picked = picked;
    line.short = short;
    line.pickedFrom = location;
    line.pickedAt = new Date(this.now()).toISOString();
    order.status = orderStatus(order);
    this.settle(order);
  }

  /** The first location (in configured order) holding the whole line, else the first holding any, else the first. */
  private chooseLocation(sku: string, quantity: number): string {
    const locations = this.opts.locations;
    return locations.find((l) => this.count(sku, l) >= quantity) ?? locations.find((l) => this.count(sku, l) > 0) ?? locations[0] ?? "";
  }

  /** Echo the reference as received, adding `channel` only when the orderId does not carry it. */
  private reference(order: WmsOrder, line: WmsOrderLine): OrderRef {
    return { orderId: order.orderId, lineId: line.lineId, ...(order.channel ? { channel: order.channel } : {}) };
  }

  private takeOff(sku: string, location: string, quantity: number): void {
    this.assertLocation(location);
    const have = this.count(sku, location);
    if (quantity > have) throw new HttpError(409, `only ${have} of ${sku} on the shelf at ${location}`);
    this.set(sku, location, have - quantity);
  }

  private assertKnown(location: string, what: string): void {
    if (!this.opts.locations.includes(location)) throw new Error(`${what} names unknown location ${location} (locations: ${this.opts.locations.join(", ")})`);
  }

  private assertLocation(location: string): void {
    if (!this.opts.locations.includes(location)) throw new HttpError(400, `unknown location ${location} (locations: ${this.opts.locations.join(", ")})`);
  }

  private set(sku: string, location: string, n: number): void {
    let perLocation = this.stock.get(sku);
    if (!perLocation) this.stock.set(sku, (perLocation = new Map(this.opts.locations.map((l) => [l, 0]))));
    perLocation.set(location, n);
  }

  private emitEvent(type: WmsEvent["type"], sku: string, locationId: string, quantity: number, ref: OrderRef = {}): void {
    const suffix = Math.floor(this.opts.random() * 0x1000000)
      .toString(16)
      .padStart(6, "0");
    // Counter for uniqueness within a run, random suffix so a restarted emulator never reuses an id the app already applied.
    this.opts.emit({ id: `wms-${++this.eventSeq}-${suffix}`, type, sku, locationId, quantity, occurredAt: new Date(this.now()).toISOString(), ...ref });
  }
}

function orderStatus(order: WmsOrder): OrderStatus {
  const statuses = order.lines.map((l) => l.status);
  if (statuses.includes("open")) return "open";
  if (statuses.every((s) => s === "cancelled")) return "cancelled";
  return statuses.includes("short") ? "short" : "picked";
}
