/**
 * Shopify's own inventory numbers per item per location. Only `available` and `committed`
 * are kept; `on_hand = available + committed` (no reserved/damaged/incoming stock here).
 * `available` may go negative: Shopify allows it (oversold, or adjusted below zero).
 */
export interface Level {
  available: number;
  committed: number;
  updatedAt: number;
}

export interface LevelView {
  available: number;
  committed: number;
  onHand: number;
}

/** Every quantity name Shopify knows; the ones not modelled here read as 0. */
export const QUANTITY_NAMES = ["available", "committed", "damaged", "incoming", "on_hand", "quality_control", "reserved", "safety_stock"] as const;

/** Who moved `available`: an Admin API write (a sync app), a checkout, or anything else. */
export type ChangeCause = "admin" | "checkout" | "other";

/** One change of `available`, kept so a load run can replay what each channel showed when. */
export interface AvailableChange {
  at: number;
  sku: string;
  locationId: string;
  available: number;
  cause: ChangeCause;
}

const CHANGE_LOG_LIMIT = 100_000;

export class InventoryState {
  private readonly levels = new Map<string, Map<string, Level>>();
  private readonly changeLog: AvailableChange[] = [];

  constructor(
    skus: readonly string[],
    private readonly locationIds: readonly string[],
    initial: Record<string, Record<string, number>> = {},
    now = Date.now(),
  ) {
    for (const sku of skus) this.levels.set(sku, new Map(locationIds.map((loc) => [loc, { available: 0, committed: 0, updatedAt: now }])));
    for (const [sku, perLocation] of Object.entries(initial)) {
      for (const [loc, available] of Object.entries(perLocation)) {
        if (!Number.isInteger(available)) throw new Error(`initialAvailable ${sku}@${loc} is not an integer`);
        this.level(sku, loc).available = available;
      }
    }
  }

  has = (sku: string): boolean => this.levels.has(sku);

  /** Empty levels at every location for a SKU created after start. */
  addSku(sku: string, now: number): void {
    if (!this.levels.has(sku)) this.levels.set(sku, new Map(this.locationIds.map((loc) => [loc, { available: 0, committed: 0, updatedAt: now }])));
  }

  /** Every level by SKU and location, deleted products' SKUs included (a re-created SKU finds its numbers again). */
  levelsBySku(): Record<string, Record<string, Level>> {
    const out: Record<string, Record<string, Level>> = {};
    for (const [sku, perLocation] of this.levels) out[sku] = Object.fromEntries([...perLocation].map(([loc, level]) => [loc, { ...level }]));
    return out;
  }

  /** A restarted shop's levels. Locations no longer configured are dropped; new ones start empty. */
  restoreLevels(saved: Record<string, Record<string, Level>>, now: number): void {
    for (const [sku, perLocation] of Object.entries(saved)) {
      this.addSku(sku, now);
      for (const [loc, level] of Object.entries(perLocation)) if (this.locationIds.includes(loc)) this.levels.get(sku)?.set(loc, { ...level });
    }
  }

  /** Throws on an unknown sku or location: callers resolve ids first. */
  level(sku: string, locationId: string): Level {
    const level = this.levels.get(sku)?.get(locationId);
    if (!level) throw new Error(`no inventory level for ${sku} at ${locationId}`);
    return level;
  }

  /** One named quantity, as the Admin API reports it. */
  quantity(sku: string, locationId: string, name: string): number {
    const level = this.level(sku, locationId);
    if (name === "available") return level.available;
    if (name === "committed") return level.committed;
    if (name === "on_hand") return level.available + level.committed;
    return 0;
  }

  totalAvailable(sku: string): number {
    let total = 0;
    for (const level of this.levels.get(sku)?.values() ?? []) total += level.available;
    return total;
  }

  setAvailable(sku: string, locationId: string, available: number, now: number, cause: ChangeCause = "other"): Level {
    const level = this.level(sku, locationId);
    level.available = available;
    level.updatedAt = now;
    this.logChange(sku, locationId, level, cause);
    return level;
  }

  /** Relative move: checkout (available→committed), restock, fulfilment, adjustments. */
  move(sku: string, locationId: string, delta: { available?: number; committed?: number }, now: number, cause: ChangeCause = "other"): Level {
    const level = this.level(sku, locationId);
    level.available += delta.available ?? 0;
    level.committed += delta.committed ?? 0;
    level.updatedAt = now;
    if (delta.available) this.logChange(sku, locationId, level, cause);
    return level;
  }

  /** Changes of `available` at or after `since` (epoch ms), oldest first. */
  changes(since = 0): AvailableChange[] {
    return this.changeLog.filter((c) => c.at >= since);
  }

  private logChange(sku: string, locationId: string, level: Level, cause: ChangeCause): void {
    this.changeLog.push({ at: level.updatedAt, sku, locationId, available: level.available, cause });
    if (this.changeLog.length > CHANGE_LOG_LIMIT) this.changeLog.splice(0, this.changeLog.length - CHANGE_LOG_LIMIT);
  }

  view(sku: string, locationId: string): LevelView {
    const { available, committed } = this.level(sku, locationId);
    return { available, committed, onHand: available + committed };
  }

  snapshot(skus: readonly string[]): Record<string, Record<string, LevelView>> {
    const out: Record<string, Record<string, LevelView>> = {};
    for (const sku of skus) out[sku] = Object.fromEntries(this.locationIds.map((loc) => [loc, this.view(sku, loc)]));
    return out;
  }
}
