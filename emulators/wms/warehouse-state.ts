import { z } from "zod";
import { channelSchema, locationIdSchema, skuSchema } from "../../lib/domain/events";
import { lagSchema, lineIdSchema, orderIdSchema } from "./schemas";

/**
 * The warehouse's own part of the WMS state file (shelves, orders, picker settings, event
 * counter), in a file of its own so warehouse.ts and saved-state.ts both read it without
 * importing each other.
 */
const count = z.number().int().min(0);
const status = z.enum(["open", "picked", "short", "cancelled"]);

const orderLineSchema = z.object({
  lineId: lineIdSchema,
  sku: skuSchema,
  quantity: z.number().int().min(1),
  locationId: locationIdSchema.optional(),
  status,
  picked: count,
  short: count,
  restocked: count,
  pickedFrom: locationIdSchema.optional(),
  pickedAt: z.string().optional(),
  dueAt: z.number(),
});

const orderSchema = z.object({
  orderId: orderIdSchema,
  channel: channelSchema.optional(),
  receivedAt: z.string(),
  status,
  lines: z.array(orderLineSchema).min(1),
});

export const warehouseStateSchema = z.object({
  stock: z.record(skuSchema, z.record(locationIdSchema, count)),
  /** In the order they were received (the picker's tie-break for lines due at the same moment). */
  orders: z.array(orderSchema),
  lagMs: lagSchema,
  paused: z.boolean(),
  eventSeq: count,
});
export type WarehouseState = z.infer<typeof warehouseStateSchema>;
