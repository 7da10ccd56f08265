import type { RootResolver } from "./admin-queries";
import { discountCodeNode } from "./discount-objects";
import { parseGid } from "./ids";
import type { ShopState } from "./shop-state";

/**
 * `codeDiscountNode(id:)` and `codeDiscountNodeByCode(code:)`. discountCodeBasicCreate is not
 * idempotent, so a client that lost a create's answer looks its code up here instead of
 * creating it again (which would only answer TAKEN). Unknown → null.
 */
export function discountQueries(shop: ShopState): Record<string, RootResolver> {
  return {
    codeDiscountNode: (args) => {
      const id = typeof args.id === "string" ? parseGid(args.id, "DiscountCodeNode") : null;
      const discount = id === null ? undefined : shop.discounts.get(id);
      return discount ? discountCodeNode(shop, discount) : null;
    },
    codeDiscountNodeByCode: (args) => {
      const discount = typeof args.code === "string" ? shop.discounts.findByCode(args.code) : undefined;
      return discount ? discountCodeNode(shop, discount) : null;
    },
  };
}
