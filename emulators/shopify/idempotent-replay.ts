import { z } from "zod";
import type { MutationPayload } from "./admin-mutation";
import { adjustmentGroupDataSchema, adjustmentGroupNode } from "./adjustment-group";
import { orderNode, refundNode } from "./order-objects";
import type { ShopState } from "./shop-state";

/**
 * What an `@idempotent` mutation's first answer is rebuilt from when its key comes back after
 * a restart: the answers themselves are live GraphQL objects (functions of the selection), so
 * the state file keeps their data instead. A refund replay reads its order as it is now, as it
 * did before the restart.
 */
const userErrorSchema = z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string() });

export const replaySchema = z.discriminatedUnion("kind", [
  /** Nothing applied: the payload's other fields were null. */
  z.object({ kind: z.literal("refused"), nullFields: z.array(z.string()), userErrors: z.array(userErrorSchema) }),
  z.object({ kind: z.literal("adjustmentGroup"), group: adjustmentGroupDataSchema }),
  z.object({ kind: z.literal("refund"), orderId: z.number().int(), refundId: z.number().int() }),
]);
export type Replay = z.infer<typeof replaySchema>;

export function replayPayload(shop: ShopState, replay: Replay): MutationPayload {
  switch (replay.kind) {
    case "refused":
      return { ...Object.fromEntries(replay.nullFields.map((f) => [f, null])), userErrors: replay.userErrors };
    case "adjustmentGroup":
      return { inventoryAdjustmentGroup: adjustmentGroupNode(shop, replay.group), userErrors: [] };
    case "refund": {
      const order = shop.orders.get(replay.orderId);
      const refund = order?.refunds.find((r) => r.id === replay.refundId);
      // The order aged out of the kept orders (orders.ts ORDER_CAP): the refund happened, its objects are gone.
      return order && refund ? { refund: refundNode(shop, order, refund), order: orderNode(shop, order), userErrors: [] } : { refund: null, order: null, userErrors: [] };
    }
  }
}
