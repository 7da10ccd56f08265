import { z } from "zod";
import { skuSchema } from "../../lib/domain/events";
import { pendingDeliverySchema, type WebhookSender } from "../shared/webhook-sender";
import { pendingForwardSchema, type FulfillmentClient } from "../wms/fulfillment-client";
import type { PosSale } from "./pos-sale";

/**
 * What the till keeps across a restart, as a real POS would: its sales (every one not yet
 * posted to the app, and the newest posted ones so a void still finds its sale), which sales
 * the next batch must carry, the id sequences (sale and batch ids never repeat), batches the
 * app has not acknowledged, and voids not yet handed to the WMS.
 *
 * Not kept: counters and stats (they restart from 0), ack times (a measurement log). A sale
 * the WMS was still being asked about when the till died is not kept either: the clerk got no
 * receipt, so it did not happen (the WMS may have taken the unit: its own record says so).
 */

/** Posted sales kept (newest), in memory as on disk; sales not yet posted are always kept. Voiding an older one is a 404. */
export const MAX_POSTED_SALES_SAVED = 5_000;

const saleSchema = z.object({
  id: z.string().min(1),
  occurredAt: z.string(),
  status: z.enum(["completed", "voided"]),
  lines: z.array(z.object({ id: z.string(), sku: skuSchema, quantity: z.number().int().min(1), priceCents: z.number().int().min(0).optional() })).min(1),
});

export const posStateSchema = z.object({
  runTag: z.string().min(1),
  saleSeq: z.number().int().min(0),
  batchSeq: z.number().int().min(0),
  /** Oldest first. */
  sales: z.array(saleSchema),
  /** Sales whose current status the app has not been sent yet, in the order they changed. */
  pending: z.array(z.string()),
  deliveries: z.array(pendingDeliverySchema),
  forwards: z.array(pendingForwardSchema),
});
export type PosState = z.infer<typeof posStateSchema>;

/** The till's own records. */
export interface PosLedger {
  runTag: string;
  saleSeq: number;
  batchSeq: number;
  sales: Map<string, PosSale>;
  pending: Set<string>;
}

export function snapshotPos(ledger: PosLedger, sender: WebhookSender, fulfillment: FulfillmentClient | undefined): PosState {
  return {
    runTag: ledger.runTag,
    saleSeq: ledger.saleSeq,
    batchSeq: ledger.batchSeq,
    sales: [...ledger.sales.values()],
    pending: [...ledger.pending],
    deliveries: sender.pending(),
    forwards: fulfillment?.pending() ?? [],
  };
}

export function restorePos(state: PosState, ledger: PosLedger, sender: WebhookSender, fulfillment: FulfillmentClient | undefined): void {
  ledger.runTag = state.runTag;
  ledger.saleSeq = state.saleSeq;
  ledger.batchSeq = state.batchSeq;
  ledger.sales.clear();
  for (const sale of state.sales) ledger.sales.set(sale.id, sale);
  ledger.pending.clear();
  for (const id of state.pending) if (ledger.sales.has(id)) ledger.pending.add(id);
  sender.resume(state.deliveries);
  fulfillment?.resume(state.forwards);
}

/** Drops the oldest posted sales beyond the cap (Map iteration is insertion order: oldest first). */
export function capPostedSales(ledger: PosLedger, max: number): void {
  let posted = ledger.sales.size - ledger.pending.size;
  for (const id of ledger.sales.keys()) {
    if (posted <= max) return;
    if (ledger.pending.has(id)) continue;
    ledger.sales.delete(id);
    posted--;
  }
}
