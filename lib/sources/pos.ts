import { z } from "zod";
import { locationIdSchema, skuSchema, type StockEvent } from "../domain/events";
import { channelIdSchema, orderLineEvent } from "./order-lines";
import { parseOrThrow } from "./parse";

/** A batch of store sales, posted late by the POS (end of shift / day). */
const idSchema = channelIdSchema;

export const posBatchSchema = z.object({
  batchId: idSchema,
  locationId: locationIdSchema,
  sales: z
    .array(
      z.object({
        id: idSchema,
        occurredAt: z.iso.datetime({ offset: true }),
        status: z.enum(["completed", "voided"]),
        lines: z
          .array(z.object({ id: idSchema, sku: skuSchema, quantity: z.number().int().min(1).max(10_000), priceCents: z.number().int().min(0).optional() }))
          .min(1)
          .max(250),
      }),
    )
    .min(1)
    .max(1_000),
});

/** A completed sale reserves at the store's location until the store confirms the pick; a void cancels. */
export function parsePosPayload(body: unknown): StockEvent[] {
  const batch = parseOrThrow(posBatchSchema, body);
  return batch.sales.flatMap((sale, s) =>
    sale.lines.map((line, i) =>
      orderLineEvent(
        {
          source: "pos",
          orderId: sale.id,
          lineId: line.id,
          sku: line.sku,
          occurredAt: sale.occurredAt,
          sourceUri: `pos://sales/${sale.id}`,
          sale:
            sale.status === "completed"
              ? { quantity: line.quantity, locationId: batch.locationId, ...(line.priceCents !== undefined ? { priceCents: line.priceCents } : {}) }
              : "cancelled",
        },
        ["sales", s, "lines", i],
      ),
    ),
  );
}
