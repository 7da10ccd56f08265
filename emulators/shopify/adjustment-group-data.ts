import { z } from "zod";

/**
 * An inventory adjustment group as data: what `inventoryAdjustQuantities` and `…SetQuantities`
 * applied, kept so an idempotent replay can rebuild the answer (adjustment-group.ts renders it).
 */
export const adjustmentGroupDataSchema = z.object({
  id: z.number().int(),
  createdAt: z.number(),
  reason: z.string(),
  referenceDocumentUri: z.string().nullable(),
  changes: z.array(
    z.object({
      name: z.enum(["available", "on_hand"]),
      delta: z.number().int(),
      quantityAfterChange: z.number().int(),
      sku: z.string(),
      locationId: z.string(),
      ledgerDocumentUri: z.string().nullable(),
    }),
  ),
});
export type AdjustmentGroupData = z.infer<typeof adjustmentGroupDataSchema>;
