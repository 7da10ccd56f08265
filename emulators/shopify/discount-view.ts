import { discountNodeGid } from "./discount-objects";
import { discountStatus, type CodeDiscount } from "./discounts";
import { decimalAmount } from "./format";
import { gid } from "./ids";
import type { ShopState } from "./shop-state";

/** A code discount as `GET /_emulator/discounts` shows it: ids as Admin gids, times ISO, money as decimal strings. */
export function discountView(shop: ShopState, d: CodeDiscount) {
  const currency = shop.catalog.currency;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: discountNodeGid(d),
    codeId: gid("DiscountRedeemCode", d.codeId),
    title: d.title,
    code: d.code,
    status: discountStatus(d, shop.now()),
    startsAt: iso(d.startsAt),
    endsAt: d.endsAt === null ? null : iso(d.endsAt),
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    context: d.buyers.kind === "all" ? { all: true } : { customers: d.buyers.customerIds },
    items: d.items.kind === "all" ? { all: true } : { products: d.items.productIds, productVariants: d.items.variantIds },
    value:
      d.value.kind === "percentage"
        ? { percentage: d.value.percentage }
        : { amount: decimalAmount(d.value.amountCents, currency), currencyCode: currency, appliesOnEachItem: d.value.appliesOnEachItem },
    minimumRequirement:
      d.minimum === null ? null : d.minimum.kind === "subtotal" ? { subtotal: decimalAmount(d.minimum.cents, currency) } : { quantity: d.minimum.quantity },
    combinesWith: d.combinesWith,
    createdAt: iso(d.createdAt),
  };
}
