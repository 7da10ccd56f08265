import { z } from "zod";
import { skuSchema } from "../../lib/domain/events";

/**
 * The market's own part of the marketplace state file (listings, orders, id sequence), in a
 * file of its own so market.ts and saved-state.ts both read it without importing each other.
 */
const lineSchema = z.object({ id: z.string(), sku: skuSchema, quantity: z.number().int().min(1), priceCents: z.number().int().min(0).optional() });

export const marketStateSchema = z.object({
  runTag: z.string().min(1),
  orderSeq: z.number().int().min(0),
  listings: z.record(skuSchema, z.object({ quantity: z.number().int().min(0), updatedAt: z.string() })),
  orders: z.array(
    z.object({ id: z.string(), status: z.enum(["created", "cancelled"]), createdAt: z.string(), updatedAt: z.string(), lines: z.array(lineSchema).min(1) }),
  ),
});
export type MarketState = z.infer<typeof marketStateSchema>;
