import { z } from "zod";
import { skuSchema } from "../../lib/domain/events";
import { savedKeySchema, type ReplyKeys } from "../shared/reply-keys";
import { pendingDeliverySchema, type WebhookSender } from "../shared/webhook-sender";
import { pendingForwardSchema, type FulfillmentClient } from "../wms/fulfillment-client";
import type { Buyers } from "./buyers";
import type { Market } from "./market";
import { marketStateSchema } from "./market-state";

/**
 * What the marketplace keeps across a restart, as a real one would: listings, orders (the
 * newest ones), idempotency keys still within their window (a retried seller call is still
 * answered as a replay), id sequences (order and notification ids never repeat), the buyers
 * simulation as it was set, notifications the app has not acknowledged and orders not yet
 * handed to the WMS.
 *
 * Not kept: counters and stats (they restart from 0), rate-limit buckets (full again, as after
 * any quiet spell), injected faults and the rate-limit setting (test knobs), the listing change
 * log and ack times (measurement records of a load run).
 */

/** Orders kept (newest), in memory as on disk; older ones can no longer be cancelled (404). */
export const MAX_ORDERS_SAVED = 5_000;
/** Idempotency keys kept: those within the store's TTL (24 h), and of those the newest this many. */
export const MAX_KEYS_SAVED = 5_000;

export const marketplaceStateSchema = z.object({
  market: marketStateSchema,
  notificationSeq: z.number().int().min(0),
  idempotency: z.array(savedKeySchema),
  buyers: z.object({ ratePerSecond: z.number().min(0), skus: z.array(skuSchema).nullable() }),
  notifications: z.array(pendingDeliverySchema),
  forwards: z.array(pendingForwardSchema),
});
export type MarketplaceState = z.infer<typeof marketplaceStateSchema>;

export interface MarketplaceParts {
  market: Market;
  idempotency: ReplyKeys;
  buyers: Buyers;
  notifier: WebhookSender;
  fulfillment: FulfillmentClient | undefined;
}

export function snapshotMarketplace(parts: MarketplaceParts, notificationSeq: number): MarketplaceState {
  return {
    market: parts.market.saved(),
    notificationSeq,
    idempotency: parts.idempotency.saved(),
    buyers: parts.buyers.status(),
    notifications: parts.notifier.pending(),
    forwards: parts.fulfillment?.pending() ?? [],
  };
}

/** Returns the notification sequence to continue from. Forwards saved while a WMS was configured are dropped if it no longer is. */
export function restoreMarketplace(state: MarketplaceState, parts: MarketplaceParts): number {
  parts.market.restore(state.market);
  parts.idempotency.restore(state.idempotency);
  parts.notifier.resume(state.notifications);
  parts.fulfillment?.resume(state.forwards);
  if (state.buyers.ratePerSecond > 0) parts.buyers.start(state.buyers.ratePerSecond, state.buyers.skus ?? undefined);
  return state.notificationSeq;
}
