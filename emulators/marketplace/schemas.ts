import { z } from "zod";
import { skuSchema } from "../../lib/domain/events";

/** Request bodies of the marketplace's seller API and its control API. */
const quantity = z.number().int().min(0).max(1_000_000);

export const MAX_ADJUSTMENT_ITEMS = 100;
export const MAX_INVENTORY_QUERY = 100;

export const adjustmentsSchema = z.object({
  items: z
    .array(z.object({ sku: skuSchema, delta: z.number().int().min(-1_000_000).max(1_000_000) }))
    .min(1)
    .max(MAX_ADJUSTMENT_ITEMS),
});

export const setQuantitySchema = z.object({ quantity, expectedQuantity: quantity });

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7E]+$/, "printable ASCII without spaces");

export const sinceSchema = z.iso.datetime({ offset: true });

export const purchaseSchema = z.object({
  sku: skuSchema,
  quantity: z.number().int().min(1).max(10_000),
  priceCents: z.number().int().min(0).max(100_000_000).optional(),
});

const listingSchema = z.object({ sku: skuSchema, quantity });
export const setListingsSchema = z.union([listingSchema, z.object({ items: z.array(listingSchema).min(1).max(10_000) })]);

export const buyersSchema = z.object({
  ratePerSecond: z.number().min(0).max(10_000),
  skus: z.array(skuSchema).min(1).max(10_000).optional(),
});

export const faultsSchema = z.object({
  /** Share of seller API calls answered 503 (nothing applied). */
  errorRate: z.number().min(0).max(1),
  /** Added to every seller API call. */
  latencyMs: z.number().int().min(0).max(60_000),
});
export type Faults = z.infer<typeof faultsSchema>;
