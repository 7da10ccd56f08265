import { parseGid } from "./ids";
import { orderNode } from "./order-objects";
import type { Order } from "./orders";
import type { ShopState } from "./shop-state";
import type { RootResolver } from "./admin-queries";

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
      return order ? orderNode(shop, order) : null;
    },
  };
}
