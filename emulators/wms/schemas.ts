import { z } from "zod";
import { channelSchema, locationIdSchema, skuSchema, type Channel } from "../../lib/domain/events";
import { wmsEventSchema } from "../../lib/sources/wms";

/**
 * The WMS's own API. Order references use the app's WMS event rules, so whatever the WMS
 * accepts it can echo back in a pick the app will parse.
 */
export const orderIdSchema = wmsEventSchema.shape.orderId.unwrap();
export const lineIdSchema = wmsEventSchema.shape.lineId.unwrap();

/** `shopify:6524199520001` → `shopify`; a bare id → undefined. */
export function channelPrefix(orderId: string): Channel | undefined {
  const colon = orderId.indexOf(":");
  if (colon < 0) return undefined;
  const parsed = channelSchema.safeParse(orderId.slice(0, colon));
  return parsed.success ? parsed.data : undefined;
}

export const orderLineSchema = z.object({
  lineId: lineIdSchema,
  sku: skuSchema,
  quantity: z.number().int().min(1).max(10_000),
  locationId: locationIdSchema.optional(),
});

export const orderRequestSchema = z
  .object({
    orderId: orderIdSchema,
    channel: channelSchema.optional(),
    lines: z.array(orderLineSchema).min(1).max(250),
    /** A walk-out store sale: the unit already left the shelf, so it is picked now, with no picker lag. */
    pickNow: z.boolean().optional(),
    /**
     * A store till sells only units on the shelf that no open order is waiting for: refused (409)
     * otherwise, checked and taken in one step, so two walk-ins can never carry off one unit.
     */
    fromFreeShelf: z.boolean().optional(),
  })
  .superRefine((o, ctx) => {
    const prefix = channelPrefix(o.orderId);
    // The app keys reservations `channel:orderId:lineId`; a pick without a channel could never release one.
    if (!prefix && !o.channel) ctx.addIssue({ code: "custom", path: ["channel"], message: "a bare orderId needs a channel (or prefix it, e.g. shopify:123)" });
    if (prefix && o.channel && o.channel !== prefix) ctx.addIssue({ code: "custom", path: ["channel"], message: `orderId already names channel ${prefix}` });
    const seen = new Set<string>();
    o.lines.forEach((line, i) => {
      if (seen.has(line.lineId)) ctx.addIssue({ code: "custom", path: ["lines", i, "lineId"], message: "duplicate lineId" });
      seen.add(line.lineId);
    });
  });
export type OrderRequest = z.infer<typeof orderRequestSchema>;

export const cancelRequestSchema = z.object({
  /** Put units already picked back on the shelf (a `return` event), as a 3PL does when a packed order is cancelled. */
  restock: z.boolean().default(false),
});

const quantity = z.number().int().min(1).max(1_000_000);

export const movementSchema = z.object({ sku: skuSchema, locationId: locationIdSchema, quantity });
export const cycleCountSchema = z.object({ sku: skuSchema, locationId: locationIdSchema, quantity: z.number().int().min(0).max(1_000_000).optional() });

export const lagSchema = z
  .object({ min: z.number().int().min(0).max(3_600_000), max: z.number().int().min(0).max(3_600_000) })
  .refine((l) => l.min <= l.max, { message: "min must be ≤ max", path: ["max"] });

export const pickingSchema = z.object({ paused: z.boolean().optional(), lagMs: lagSchema.optional() });

export const stockSchema = z.record(skuSchema, z.record(locationIdSchema, z.number().int().min(0).max(1_000_000)));
