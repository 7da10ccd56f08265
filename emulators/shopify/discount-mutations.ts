import { plainMutation, type MutationResolver } from "./admin-mutation";
import { discountDraft } from "./discount-input";
import { discountCodeNode } from "./discount-objects";
import type { MutationPayload } from "./mutation-payload";
import type { ShopState } from "./shop-state";

/**
 * `discountCodeBasicCreate(basicCodeDiscount:)`: an amount-off code discount kept in the
 * shop's DiscountBook. Not in Shopify's `@idempotent` list (the 2026-04 changelog names the
 * inventory and refund mutations only), so a plain mutation: the same input twice is a
 * duplicate code, answered with TAKEN.
 */
function create(args: Record<string, unknown>, shop: ShopState): MutationPayload {
  const parsed = discountDraft(shop, args.basicCodeDiscount);
  if (!parsed.ok) return { codeDiscountNode: null, userErrors: parsed.userErrors };
  const { draft } = parsed;
  if (shop.discounts.findByCode(draft.code))
    return {
      codeDiscountNode: null,
      userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }],
    };
  const discount = { ...draft, ...shop.discounts.nextIds(), createdAt: shop.now() };
  shop.discounts.add(discount);
  return { codeDiscountNode: discountCodeNode(shop, discount), userErrors: [] };
}

export function discountMutations(): Record<string, MutationResolver> {
  return { discountCodeBasicCreate: plainMutation({ run: (args, { shop }) => create(args, shop) }) };
}
