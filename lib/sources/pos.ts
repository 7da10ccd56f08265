import { z } from "zod";
import { locationIdSchema, skuSchema, type StockEvent } from "../domain/events";
import { checkEvent, parseOrThrow } from "./parse";

/** A batch of store sales, posted late by the POS (end of shift / day). */
const idSchema = z.string().min(1).max(100).regex(/^[^\s{}|:]+$/);

export const posBatchSchema = z.object({
  batchId: idSchema,
  locationId: locationIdSchema,
  sales: z
    .array(
      z.object({
        id: idSchema,
        occurredAt: z.iso.datetime({ offset: true }),
        status: z.enum(["completed", "voided"]),
        lines: z.array(z.object({ id: idSchema, sku: skuSchema, quantity: z.number().int().min(1).max(10_000), priceCents: z.number().int().min(0).optional() })).min(1).max(250),
      }),
    )
    .min(1)
    .max(1_000),
});

/** A completed sale reserves at the store's location until the store confirms the pick; a void cancels. */
export function parsePosPayload(body: unknown): StockEvent[] {
  const batch = parseOrThrow(posBatchSchema, body);
  return batch.sales.flatMap((sale, s) =>
    sale.lines.map((line, i) => {
      const common = { sku: line.sku, occurredAt: sale.occurredAt, source: "pos", sourceUri: `pos://sales/${sale.id}`, channel: "pos", lineKey: `pos:${sale.id}:${line.id}` };
      const event =
        sale.status === "completed"
          ? { ...common, id: `pos:reserve:${sale.id}:${line.id}`, kind: "reserve", quantity: line.quantity, locationId: batch.locationId, ...(line.priceCents !== undefined ? { valueCents: line.priceCents * line.quantity } : {}) }
          : { ...common, id: `pos:cancel:${sale.id}:${line.id}`, kind: "cancel_line" };
      return checkEvent(event, ["sales", s, "lines", i]);
    }),
  );
}
