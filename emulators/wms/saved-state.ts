import { z } from "zod";
import { channelSchema } from "../../lib/domain/events";
import { wmsEventSchema } from "../../lib/sources/wms";
import { pendingDeliverySchema, type WebhookSender } from "../shared/webhook-sender";
import type { EventBatcher } from "./event-batcher";
import type { Warehouse } from "./warehouse";
import { warehouseStateSchema } from "./warehouse-state";

/**
 * What the WMS keeps across a restart, as a real one would: the shelves, every open order
 * (with the time the picker gets to each line) and the newest closed ones (so a late
 * re-submission is still recognised as a duplicate), the picker's settings, the event
 * counter (ids keep increasing), events collected for the next batch and deliveries not yet
 * acknowledged by the app.
 *
 * Not kept: counters and stats (they restart from 0) and webhook ack times (a measurement log).
 */

/** Closed orders kept (newest by closing time), in memory as on disk; open orders are always kept. */
export const MAX_CLOSED_ORDERS_SAVED = 5_000;

/**
 * An event as the warehouse built it. Looser than the app's `wmsEventSchema` (no ranges): the
 * file must load whatever the WMS was about to send; the app judges the event when it arrives.
 */
const batchedEventSchema = z.object({
  id: z.string().min(1),
  type: wmsEventSchema.shape.type,
  sku: z.string().min(1),
  locationId: z.string().min(1),
  quantity: z.number().int(),
  occurredAt: z.string(),
  orderId: z.string().optional(),
  lineId: z.string().optional(),
  channel: channelSchema.optional(),
});

export const wmsStateSchema = z.object({
  warehouse: warehouseStateSchema,
  /** Events collected for a batch that had not left yet. */
  batched: z.array(batchedEventSchema),
  deliveries: z.array(pendingDeliverySchema),
});
export type WmsState = z.infer<typeof wmsStateSchema>;

export function snapshotWms(parts: { warehouse: Warehouse; batcher: EventBatcher; sender: WebhookSender }): WmsState {
  return { warehouse: parts.warehouse.saved(), batched: parts.batcher.buffered(), deliveries: parts.sender.pending() };
}

/** Deliveries first, then the batch, then the floor: the picker may pick at once, and its events queue behind the saved ones. */
export function restoreWms(state: WmsState, parts: { warehouse: Warehouse; batcher: EventBatcher; sender: WebhookSender }): void {
  parts.sender.resume(state.deliveries);
  parts.batcher.resume(state.batched);
  parts.warehouse.restore(state.warehouse);
}
