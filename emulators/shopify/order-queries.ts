import { parseGid } from "./ids";
import { orderNode } from "./order-objects";
import type { Order } from "./orders";
import type { ShopState } from "./shop-state";
import type { RootResolver } from "./admin-queries";
import { fulfillmentOrderByGid, fulfillmentOrderNode, fulfillmentOrders } from "./routing";
import { paginate } from "./connection";

/**
 * `order(id:)`: the orders the emulator's checkout created, by `gid://shopify/Order/<id>`.
 * An unknown (or malformed) id is `null`, as on Shopify.
 */
export function orderByGid(shop: ShopState, id: unknown): Order | undefined {
  const numeric = typeof id === "string" ? parseGid(id, "Order") : null;
  return numeric === null ? undefined : shop.orders.get(numeric);
}

export function orderQueries(shop: ShopState): Record<string, RootResolver> {
  return {
    order: (args) => {
      const order = orderByGid(shop, args.id);
      if (!order) return null;
      return {
        ...orderNode(shop, order),
        fulfillmentOrders: (args: Record<string, unknown>) =>
          paginate(
            fulfillmentOrders(shop, order),
            args,
            (fo) => fo.id,
            (fo) => fulfillmentOrderNode(shop, fo),
          ),
      };
    },
    /** `fulfillmentOrder(id:)`: null for an unknown id, as on Shopify. */
    fulfillmentOrder: (args) => {
      const fo = fulfillmentOrderByGid(shop, args.id);
      return fo ? fulfillmentOrderNode(shop, fo) : null;
    },
  };
}
