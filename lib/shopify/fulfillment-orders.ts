import { z } from "zod";
import type { AdminResult, ShopifyAdmin } from "./admin-client";
import { FULFILLMENT_ORDER_QUERY } from "./fulfillment-documents";

/** A fulfillment order as routing truth needs it: where Shopify assigned it, and which lines it holds. */
const fulfillmentOrderSchema = z.object({
  fulfillmentOrder: z
    .object({
      id: z.string(),
      status: z.string(),
      updatedAt: z.string(),
      order: z.object({ id: z.string() }),
      assignedLocation: z.object({ location: z.object({ id: z.string() }).nullable() }),
      lineItems: z.object({
        nodes: z.array(z.object({ totalQuantity: z.number().int(), lineItem: z.object({ id: z.string(), sku: z.string().nullable() }) })),
      }),
    })
    .nullable(),
});

export type FulfillmentOrder = NonNullable<z.infer<typeof fulfillmentOrderSchema>["fulfillmentOrder"]>;

export async function readFulfillmentOrder(admin: ShopifyAdmin, id: string): Promise<AdminResult<FulfillmentOrder | null>> {
  const result = await admin.request(FULFILLMENT_ORDER_QUERY, { id }, fulfillmentOrderSchema);
  return result.kind === "ok" ? { ...result, data: result.data.fulfillmentOrder } : result;
}
