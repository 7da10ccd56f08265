import { adminQueries } from "./admin-queries";
import { inventoryMutations } from "./inventory-mutations";
import type { ShopState } from "./shop-state";

/**
 * The Admin API root value: QueryRoot and Mutation fields side by side (graphql-js looks
 * root fields up on one object). New mutations plug in here, one module each
 * (refund-mutations.ts, discount-mutations.ts, …).
 */
export function adminRootValue(shop: ShopState): Record<string, unknown> {
  return { ...adminQueries(shop), ...inventoryMutations() };
}
