import { adminQueries } from "./admin-queries";
import { discountMutations } from "./discount-mutations";
import { discountQueries } from "./discount-queries";
import { inventoryMutations } from "./inventory-mutations";
import { orderQueries } from "./order-queries";
import { refundMutations } from "./refund-mutations";
import type { ShopState } from "./shop-state";

/**
 * The Admin API root value: QueryRoot and Mutation fields side by side (graphql-js looks
 * root fields up on one object). New queries and mutations plug in here, one module each.
 */
export function adminRootValue(shop: ShopState): Record<string, unknown> {
  return { ...adminQueries(shop), ...orderQueries(shop), ...discountQueries(shop), ...inventoryMutations(), ...refundMutations(), ...discountMutations() };
}
