import type { WriteBatch } from "../domain/channel-targets";
import type { Channel } from "../domain/events";
import type { CallResult } from "../http/call-result";

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
export type WriteResult =
  | CallResult<WriteApplied, { budgetLeft?: number }>
  /**
   * Nothing applied. `items` (indices into `batch.items`) were refused, each with the channel's
   * code and message: `again` = worth one more try (the adapter re-resolved its id), otherwise
   * refused for good. The others are fine: re-plan them under a fresh key. No items = the whole
   * call is known not applied (its key is spent): the same items again under a fresh key.
   */
  | { kind: "rejected"; items: RejectedWrite[]; budgetLeft?: number };

export interface RejectedWrite {
  index: number;
  code: string;
  message: string;
  again?: boolean;
}

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
