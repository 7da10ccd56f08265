/**
 * The vocabulary of channel writes, shared by the planner (lib/channels), the stores that keep
 * beliefs and in-flight batches (lib/redis) and the workers: a target is one number a channel
 * holds (a SKU at a location, or `*` for a channel without locations).
 */

/**
 * One outbound change: move the channel's number for `sku` at `location` (or `*` for a
 * channel that is not location-aware) from what we believe it holds to what it should hold.
 */
export interface WriteItem {
  sku: string;
  location: string;
  /** What we believe the channel holds now. */
  from: number;
  /** What it should hold (available-to-sell for this channel). */
  to: number;
  /** Projection version of the SKU that caused this write: part of the idempotency key. */
  version: number;
}

export const deltaOf = (item: WriteItem): number => item.to - item.from;

export interface WriteBatch {
  /** Idempotency key: the same batch re-sent after a crash or timeout is applied once. */
  key: string;
  items: WriteItem[];
  /** How many earlier attempts of these changes were known not applied (0 or absent: the first). */
  attempt?: number;
}

/**
 * `sku|location`: the field name of a target in the believed hash. A SKU may hold `|` (it is
 * free text); a location never does (locationIdSchema), so the last `|` is the separator.
 */
export const targetKey = (sku: string, location: string): string => `${sku}|${location}`;

/** The SKU of a `targetKey`. */
export const targetSku = (target: string): string => target.slice(0, target.lastIndexOf("|"));
export const ANY_LOCATION = "*";
