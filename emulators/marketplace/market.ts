import { HttpError } from "../shared/http";
import type { MarketState } from "./market-state";

/**
 * What buyers see and buy: one listing quantity per SKU, and the orders placed against it.
 * Every check-and-change here is synchronous, so two buyers racing for the last unit cannot
 * both win (Node runs one handler body at a time between awaits).
 */
export interface Listing {
  quantity: number;
  updatedAt: string;
}

export interface MarketOrderLine {
  id: string;
  sku: string;
  quantity: number;
  priceCents?: number;
}

export interface MarketOrder {
  id: string;
  status: "created" | "cancelled";
  createdAt: string;
  updatedAt: string;
  lines: MarketOrderLine[];
}

export interface AppliedAdjustment {
  sku: string;
  /** What was asked. */
  delta: number;
  /** What was applied: listings never go below 0, so a decrement can be clamped. */
  applied: number;
  quantity: number;
}

export type PurchaseResult = { ok: true; order: MarketOrder } | { ok: false; listing: number };
export type SetResult = { ok: true; sku: string; quantity: number; updatedAt: string } | { ok: false; current: number };

/** Who moved a listing: the seller API (a sync app), a buyer, or a cancellation. */
export type ListingCause = "seller" | "purchase" | "cancel";

export interface ListingChange {
  at: number;
  sku: string;
  quantity: number;
  cause: ListingCause;
}

const CHANGE_LOG_LIMIT = 100_000;

export class Market {
  private readonly listings = new Map<string, Listing>();
  private readonly changeLog: ListingChange[] = [];
  private readonly orders = new Map<string, MarketOrder>();
  private orderSeq = 100_000;

  constructor(
    /** Part of every order id, so a restarted emulator never reuses one the app already saw. */
    private runTag: string,
    private readonly now: () => number = Date.now,
    /** Orders kept, oldest dropped first. Unbounded by default (a load run reads them all back); a saved market caps it. */
    private readonly maxOrders = Infinity,
  ) {}

  /** The change log is not saved: it is a load run's replay record, not something buyers or the app see. */
  saved(): MarketState {
    return { runTag: this.runTag, orderSeq: this.orderSeq, listings: Object.fromEntries(this.listings), orders: [...this.orders.values()] };
  }

  restore(state: MarketState): void {
    this.runTag = state.runTag;
    this.orderSeq = state.orderSeq;
    this.listings.clear();
    for (const [sku, listing] of Object.entries(state.listings)) this.listings.set(sku, listing);
    this.orders.clear();
    for (const order of state.orders) this.orders.set(order.id, order);
  }

  listing(sku: string): Listing | undefined {
    return this.listings.get(sku);
  }

  quantity(sku: string): number {
    return this.listings.get(sku)?.quantity ?? 0;
  }

  allListings(): Map<string, Listing> {
    return this.listings;
  }

  set(sku: string, quantity: number, cause: ListingCause = "seller"): Listing {
    const listing = { quantity, updatedAt: this.iso() };
    this.listings.set(sku, listing);
    this.changeLog.push({ at: Date.parse(listing.updatedAt), sku, quantity, cause });
    if (this.changeLog.length > CHANGE_LOG_LIMIT) this.changeLog.splice(0, this.changeLog.length - CHANGE_LOG_LIMIT);
    return listing;
  }

  /** Listing changes at or after `since` (epoch ms), oldest first. */
  changes(since = 0): ListingChange[] {
    return this.changeLog.filter((c) => c.at >= since);
  }

  /** Deltas in request order; an unknown SKU is a listing at 0 (a first increment creates it). */
  adjust(items: readonly { sku: string; delta: number }[]): AppliedAdjustment[] {
    return items.map(({ sku, delta }) => {
      const before = this.quantity(sku);
      const after = Math.max(0, before + delta);
      this.set(sku, after);
      return { sku, delta, applied: after - before, quantity: after };
    });
  }

  /** Compare-and-swap absolute set: refused when the listing moved since the caller read it. */
  compareAndSet(sku: string, quantity: number, expected: number): SetResult {
    const current = this.quantity(sku);
    if (current !== expected) return { ok: false, current };
    const listing = this.set(sku, quantity);
    return { ok: true, sku, quantity, updatedAt: listing.updatedAt };
  }

  purchase(sku: string, quantity: number, priceCents?: number): PurchaseResult {
    const listing = this.quantity(sku);
    if (listing < quantity) return { ok: false, listing };
    this.set(sku, listing - quantity, "purchase");
    const at = this.iso();
    const order: MarketOrder = {
      id: `MKT-${this.runTag}-${++this.orderSeq}`,
      status: "created",
      createdAt: at,
      updatedAt: at,
      lines: [{ id: "1", sku, quantity, ...(priceCents !== undefined ? { priceCents } : {}) }],
    };
    this.orders.set(order.id, order);
    for (const id of this.orders.keys()) {
      if (this.orders.size <= this.maxOrders) break;
      this.orders.delete(id);
    }
    return { ok: true, order };
  }

  /** The buyer cancels before shipment: units go back on the listing. */
  cancel(orderId: string): MarketOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new HttpError(404, `no order ${orderId}`);
    if (order.status === "cancelled") throw new HttpError(409, `order ${orderId} is already cancelled`);
    for (const line of order.lines) this.set(line.sku, this.quantity(line.sku) + line.quantity, "cancel");
    order.status = "cancelled";
    order.updatedAt = this.iso();
    return order;
  }

  /** Orders changed at or after `since` (oldest first): a poller keeps the last `updatedAt` it saw and dedupes on id. */
  ordersSince(since: number | undefined, limit: number): { orders: MarketOrder[]; hasMore: boolean } {
    const matching = [...this.orders.values()]
      .filter((o) => since === undefined || Date.parse(o.updatedAt) >= since)
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
    return { orders: matching.slice(0, limit), hasMore: matching.length > limit };
  }

  allOrders(): MarketOrder[] {
    return [...this.orders.values()];
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
