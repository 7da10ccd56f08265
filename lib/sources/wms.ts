import { z } from "zod";
import { channelSchema, effectIdSchema, locationIdSchema, skuSchema, type StockEvent } from "../domain/events";
import { formatLineKey } from "../domain/line-key";
import { checkEvent, parseOrThrow } from "./parse";

/** One warehouse event as the WMS/3PL sends it (docs/architecture.md#http-routes). Unknown fields are ignored. */
export const wmsEventSchema = z
  .object({
    id: effectIdSchema,
    type: z.enum(["receipt", "pick", "return", "adjustment", "cycle_count", "short_pick"]),
    sku: skuSchema,
    locationId: locationIdSchema,
    quantity: z.number().int().min(-1_000_000).max(1_000_000),
    occurredAt: z.iso.datetime({ offset: true }),
    /** The order reference we handed the WMS: `shopify:450789469`, or a bare id with `channel`. */
    orderId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[^\s{}|]+$/)
      .optional(),
    lineId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[^\s{}|:]+$/)
      .optional(),
    channel: channelSchema.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type === "adjustment" ? e.quantity === 0 : e.type === "cycle_count" ? e.quantity < 0 : e.quantity <= 0)
      ctx.addIssue({ code: "custom", path: ["quantity"], message: quantityRule(e.type) });
    if ((e.orderId === undefined) !== (e.lineId === undefined))
      ctx.addIssue({ code: "custom", path: [e.orderId === undefined ? "orderId" : "lineId"], message: "orderId and lineId go together" });
  });
export type WmsEvent = z.infer<typeof wmsEventSchema>;

const quantityRule = (type: WmsEvent["type"]) =>
  type === "adjustment" ? "an adjustment must not be 0" : type === "cycle_count" ? "a cycle count cannot be negative" : `a ${type} needs a positive quantity`;

export const MAX_WMS_BATCH = 500;

const batchSchema = z.object({ events: z.array(z.unknown()).min(1).max(MAX_WMS_BATCH) });

/** One event or `{"events": [...]}` (≤ 500) → normalized stock events. Throws PayloadError. */
export function parseWmsPayload(body: unknown): StockEvent[] {
  const isBatch = typeof body === "object" && body !== null && "events" in body;
  const items = isBatch ? parseOrThrow(batchSchema, body).events : [body];
  return items.map((item, i) => {
    const path = isBatch ? ["events", i] : [];
    return checkEvent(toStockEvent(parseOrThrow(wmsEventSchema, item, path)), path);
  });
}

function toStockEvent(e: WmsEvent): unknown {
  const lineKey = e.orderId && e.lineId ? formatLineKey(e.channel ?? null, e.orderId, e.lineId) : undefined;
  return {
    id: `wms:${e.id}`,
    kind: e.type,
    sku: e.sku,
    locationId: e.locationId,
    quantity: e.quantity,
    occurredAt: e.occurredAt,
    source: "wms",
    sourceUri: `wms://events/${encodeURIComponent(e.id)}`,
    ...(lineKey && (e.type === "pick" || e.type === "short_pick") ? { lineKey } : {}),
  };
}
