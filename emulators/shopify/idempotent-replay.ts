import { adjustmentGroupNode } from "./adjustment-group";
import type { MutationPayload } from "./mutation-payload";
import { orderNode, refundNode } from "./order-objects";
import type { Replay } from "./replay-schema";
import type { ShopState } from "./shop-state";

/** Rebuilds an `@idempotent` mutation's first answer from its saved replay (replay-schema.ts). */
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
      return order && refund
        ? { refund: refundNode(shop, order, refund), order: orderNode(shop, order), userErrors: [] }
        : { refund: null, order: null, userErrors: [] };
    }
  }
}
