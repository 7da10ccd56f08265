import { z } from "zod";
import { effectIdSchema, skuSchema, type StockEvent } from "../domain/events";
import { channelIdSchema, orderLineEvent } from "./order-lines";
import { parseOrThrow } from "./parse";

/** The marketplace's order notification (our emulator speaks it; real adapters map into it). */
const lineSchema = z.object({
  id: channelIdSchema,
  sku: skuSchema,
  quantity: z.number().int().min(1).max(10_000),
  priceCents: z.number().int().min(0).optional(),
});

export const marketplaceNotificationSchema = z.object({
  id: effectIdSchema,
  type: z.enum(["order.created", "order.cancelled"]),
  occurredAt: z.iso.datetime({ offset: true }),
  order: z.object({
    id: channelIdSchema,
    lines: z.array(lineSchema).min(1).max(250),
  }),
});

export function parseMarketplacePayload(body: unknown): StockEvent[] {
  const n = parseOrThrow(marketplaceNotificationSchema, body);
  return n.order.lines.map((line, i) =>
    orderLineEvent(
      {
        source: "marketplace",
        orderId: n.order.id,
        lineId: line.id,
        sku: line.sku,
        occurredAt: n.occurredAt,
        sourceUri: `marketplace://orders/${n.order.id}`,
        sale: n.type === "order.created" ? { quantity: line.quantity, ...(line.priceCents !== undefined ? { priceCents: line.priceCents } : {}) } : "cancelled",
      },
      ["order", "lines", i],
    ),
  );
}
