import { z } from "zod";
import type { Channel, Source } from "../domain/events";
import { formatLineKey } from "../domain/line-key";
import { checkEvent } from "./parse";

/**
 * An order or line id of a channel. It becomes part of the effect id and the line key, so it
 * holds only what those can: printable ASCII without spaces, braces, `:` or `|`. Checked here,
 * so a bad id is blamed on its own field, not on the line whose event it broke.
 */
export const channelIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\x21-\x39\x3B-\x7A\x7E]+$/, "id may hold printable ASCII without spaces, braces, : or | only");

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
  const common = {
    sku: fact.sku,
    occurredAt: fact.occurredAt,
    source,
    sourceUri: fact.sourceUri,
    channel: source,
    lineKey: formatLineKey(source, orderId, lineId),
  };
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
