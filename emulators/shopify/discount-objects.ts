import { productNode, variantNode } from "./admin-objects";
import { paginate } from "./connection";
import { discountStatus, type CodeDiscount } from "./discounts";
import { decimalAmount, graphqlDateTime, moneyV2 } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid, parseGid } from "./ids";
import { customerNode } from "./order-objects";
import type { ShopState } from "./shop-state";

/**
 * Admin GraphQL `DiscountCodeNode` / `DiscountCodeBasic` for a stored code discount. Union
 * members (context, items, value, minimum) carry `__typename` so fragments resolve.
 */
type Args = Record<string, unknown>;

export const discountNodeGid = (discount: CodeDiscount): string => gid("DiscountCodeNode", discount.id);

const money = (shop: ShopState, minor: number): string => {
  const amount = decimalAmount(minor, shop.catalog.currency);
  return shop.catalog.currency === "USD" ? `$${amount}` : `${amount} ${shop.catalog.currency}`;
};

function valueText(shop: ShopState, discount: CodeDiscount): string {
  const { value } = discount;
  if (value.kind === "percentage") return `${Math.round(value.percentage * 10_000) / 100}% off`;
  return `${money(shop, value.amountCents)} off${value.appliesOnEachItem ? " each item" : ""}`;
}

/** Shopify's one-line description ("10% off entire order • One use per customer"). */
function summary(shop: ShopState, discount: CodeDiscount): { short: string; full: string } {
  const target = discount.items.kind === "all" ? "entire order" : `${discount.items.productIds.length + discount.items.variantIds.length} product(s)`;
  const short = `${valueText(shop, discount)} ${target}`;
  const parts = [short];
  if (discount.minimum?.kind === "subtotal") parts.push(`Minimum purchase of ${money(shop, discount.minimum.cents)}`);
  if (discount.minimum?.kind === "quantity") parts.push(`Minimum quantity of ${discount.minimum.quantity} items`);
  if (discount.buyers.kind === "customers") parts.push(`For ${discount.buyers.customerIds.length} customer(s)`);
  if (discount.usageLimit !== null) parts.push(`Limit of ${discount.usageLimit} use${discount.usageLimit === 1 ? "" : "s"}`);
  if (discount.appliesOncePerCustomer) parts.push("One use per customer");
  return { short, full: parts.join(" • ") };
}

function customers(shop: ShopState, ids: string[]): GraphQLObject[] {
  return ids.flatMap((id) => {
    const number = parseGid(id, "Customer");
    for (const order of shop.orders.values()) if (order.customerId === number) return [customerNode(shop, order)];
    return [];
  });
}

function itemsObject(shop: ShopState, discount: CodeDiscount): GraphQLObject {
  const { items } = discount;
  if (items.kind === "all") return { __typename: "AllDiscountItems", allItems: true };
  const products = items.productIds.flatMap((id) => shop.catalog.productByGid(id) ?? []);
  const variants = items.variantIds.flatMap((id) => shop.catalog.variantByGid(id) ?? []);
  return {
    __typename: "DiscountProducts",
    products: (args: Args) =>
      paginate(
        products,
        args,
        (p) => p.id,
        (p) => productNode(shop, p),
      ),
    productVariants: (args: Args) =>
      paginate(
        variants,
        args,
        (v) => v.id,
        (v) => variantNode(shop, v),
      ),
  };
}

function basicObject(shop: ShopState, discount: CodeDiscount): GraphQLObject {
  const currency = shop.catalog.currency;
  const text = summary(shop, discount);
  const productClass = discount.items.kind === "all" ? "ORDER" : "PRODUCT";
  const buyers = discount.buyers.kind === "all" ? null : discount.buyers.customerIds;
  const { value, minimum } = discount;
  return {
    __typename: "DiscountCodeBasic",
    title: discount.title,
    summary: text.full,
    shortSummary: text.short,
    status: () => discountStatus(discount, shop.now()),
    startsAt: graphqlDateTime(discount.startsAt),
    endsAt: discount.endsAt === null ? null : graphqlDateTime(discount.endsAt),
    createdAt: graphqlDateTime(discount.createdAt),
    updatedAt: graphqlDateTime(discount.createdAt),
    usageLimit: discount.usageLimit,
    appliesOncePerCustomer: discount.appliesOncePerCustomer,
    asyncUsageCount: 0,
    recurringCycleLimit: discount.recurringCycleLimit,
    tags: discount.tags,
    hasTimelineComment: false,
    shareableUrls: [],
    totalSales: null,
    discountClass: productClass,
    discountClasses: [productClass],
    combinesWith: { __typename: "DiscountCombinesWith", ...discount.combinesWith, productDiscountsWithTagsOnSameCartLine: null },
    codesCount: { __typename: "Count", count: 1, precision: "EXACT" },
    codes: (args: Args) =>
      paginate(
        [discount],
        args,
        (d) => d.codeId,
        (d) => ({ __typename: "DiscountRedeemCode", id: gid("DiscountRedeemCode", d.codeId), code: d.code, asyncUsageCount: 0, createdBy: null }),
      ),
    context: () =>
      buyers === null ? { __typename: "DiscountBuyerSelectionAll", all: "ALL" } : { __typename: "DiscountCustomers", customers: customers(shop, buyers) },
    customerSelection: () =>
      buyers === null ? { __typename: "DiscountCustomerAll", allCustomers: true } : { __typename: "DiscountCustomers", customers: customers(shop, buyers) },
    customerGets: {
      __typename: "DiscountCustomerGets",
      appliesOnOneTimePurchase: discount.appliesOnOneTimePurchase,
      appliesOnSubscription: discount.appliesOnSubscription,
      items: () => itemsObject(shop, discount),
      value:
        value.kind === "percentage"
          ? { __typename: "DiscountPercentage", percentage: value.percentage }
          : { __typename: "DiscountAmount", amount: moneyV2(value.amountCents, currency), appliesOnEachItem: value.appliesOnEachItem },
    },
    minimumRequirement:
      minimum === null
        ? null
        : minimum.kind === "subtotal"
          ? { __typename: "DiscountMinimumSubtotal", greaterThanOrEqualToSubtotal: moneyV2(minimum.cents, currency) }
          : { __typename: "DiscountMinimumQuantity", greaterThanOrEqualToQuantity: String(minimum.quantity) },
  };
}

export function discountCodeNode(shop: ShopState, discount: CodeDiscount): GraphQLObject {
  return { __typename: "DiscountCodeNode", id: discountNodeGid(discount), codeDiscount: basicObject(shop, discount) };
}
