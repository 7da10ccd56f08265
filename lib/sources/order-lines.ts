import type { Channel, Source } from "../domain/events";
import { checkEvent } from "./parse";

/**
 * The two facts an order channel reports about a line — it was sold (reserve) or cancelled —
 * as normalized events with effect ids stable across redeliveries.
 */
export interface OrderLineFact {
  source: Source & Channel;
  orderId: string;
  lineId: string;
  sku: string;
  occurredAt: string;
  /** The source document for the ledger, e.g. `pos://sales/S-1`. */
  sourceUri: string;
  /** The sale (quantity, optional location and line value) or a cancellation. */
  sale: { quantity: number; locationId?: string; priceCents?: number } | "cancelled";
}

export function orderLineEvent(fact: OrderLineFact, path: readonly PropertyKey[]) {
  const { source, orderId, lineId, sale } = fact;
  const common = { sku: fact.sku, occurredAt: fact.occurredAt, source, sourceUri: fact.sourceUri, channel: source, lineKey: `${source}:${orderId}:${lineId}` };
  const event =
    sale === "cancelled"
      ? { ...common, id: `${source}:cancel:${orderId}:${lineId}`, kind: "cancel_line" }
      : {
          ...common,
          id: `${source}:reserve:${orderId}:${lineId}`,
          kind: "reserve",
          quantity: sale.quantity,
          ...(sale.locationId !== undefined ? { locationId: sale.locationId } : {}),
          ...(sale.priceCents !== undefined ? { valueCents: sale.priceCents * sale.quantity } : {}),
        };
  return checkEvent(event, path);
}
