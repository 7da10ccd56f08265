import type { Channel } from "../domain/events";
import type { CallResult } from "../http/call-result";

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
}

/**
 * `applied`: per item, the change the channel really made, when it may differ from the one
 * asked for (the marketplace clamps a listing at 0). Beliefs move by that, not by the request.
 */
export interface WriteApplied {
  applied?: readonly number[];
}

/**
 * A write's outcome: `ok`; `retry` (back off, send the same batch under the same key again,
 * never drop it); `error` (refused for good — unknown SKU, bad config: log, dead-letter, drop).
 * `budgetLeft`: share (0–1) of its rate budget the channel says is left, to correct our bucket.
 */
export type WriteResult = CallResult<WriteApplied, { budgetLeft?: number }>;

/** What a channel can do; one adapter per external system (Shopify, marketplace, ERP). */
export interface ChannelAdapter {
  channel: Channel;
  /** Items per write call (Shopify: 250 per mutation). */
  maxBatch: number;
  /** Points one write takes from the channel's rate budget. */
  writeCost: number;
  /** Our own token bucket for this channel, sized below its published limit. */
  bucket: { capacity: number; refillPerSecond: number };
  /** Read what the channel really holds, for targets we hold no belief about yet. */
  readActual(targets: readonly { sku: string; location: string }[]): Promise<Map<string, number>>;
  /** Apply relative changes, idempotently under `batch.key`. */
  applyDeltas(batch: WriteBatch): Promise<WriteResult>;
}

/** `sku|location`: the field name of a target in the believed hash. */
export const targetKey = (sku: string, location: string): string => `${sku}|${location}`;
export const ANY_LOCATION = "*";
