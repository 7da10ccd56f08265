import { z } from "zod";
import type { CodeDiscount, DiscountBuyers, DiscountItemsTarget, DiscountMinimum, DiscountValue } from "./discounts";
import { minorUnits } from "./format";
import { gid } from "./ids";
import type { UserError } from "./mutation-payload";
import type { ShopState } from "./shop-state";

/**
 * `DiscountCodeBasicInput` (2026-10) → a code discount, or DiscountUserErrors with Shopify's
 * DiscountErrorCode values. Required on create: code, title, startsAt, customerGets, and
 * context (or the deprecated customerSelection). The emulator has no customer segments,
 * markets or Admin collections, so ids of those never exist here.
 */
const idsSchema = z.object({ add: z.array(z.string()).nullish(), remove: z.array(z.string()).nullish() }).nullish();
const decimal = z.union([z.string(), z.number()]);

export const basicCodeDiscountSchema = z.object({
  title: z.string().nullish(),
  code: z.string().nullish(),
  startsAt: z.string().nullish(),
  endsAt: z.string().nullish(),
  usageLimit: z.number().int().nullish(),
  appliesOncePerCustomer: z.boolean().nullish(),
  recurringCycleLimit: z.number().int().nullish(),
  tags: z.array(z.string()).nullish(),
  context: z.object({ all: z.string().nullish(), customers: idsSchema, customerSegments: idsSchema, markets: z.unknown().nullish() }).nullish(),
  customerSelection: z.object({ all: z.boolean().nullish(), customers: idsSchema, customerSegments: idsSchema }).nullish(),
  customerGets: z
    .object({
      appliesOnOneTimePurchase: z.boolean().nullish(),
      appliesOnSubscription: z.boolean().nullish(),
      items: z
        .object({
          all: z.boolean().nullish(),
          products: z
            .object({
              productsToAdd: z.array(z.string()).nullish(),
              productVariantsToAdd: z.array(z.string()).nullish(),
              productsToRemove: z.array(z.string()).nullish(),
              productVariantsToRemove: z.array(z.string()).nullish(),
            })
            .nullish(),
          collections: idsSchema,
        })
        .nullish(),
      value: z
        .object({
          percentage: z.number().nullish(),
          discountAmount: z.object({ amount: decimal.nullish(), appliesOnEachItem: z.boolean().nullish() }).nullish(),
          discountOnQuantity: z.unknown().nullish(),
        })
        .nullish(),
    })
    .nullish(),
  minimumRequirement: z
    .object({
      subtotal: z.object({ greaterThanOrEqualToSubtotal: decimal.nullish() }).nullish(),
      quantity: z.object({ greaterThanOrEqualToQuantity: decimal.nullish() }).nullish(),
    })
    .nullish(),
  combinesWith: z
    .object({ orderDiscounts: z.boolean().nullish(), productDiscounts: z.boolean().nullish(), shippingDiscounts: z.boolean().nullish() })
    .nullish(),
});
type Input = z.infer<typeof basicCodeDiscountSchema>;

export type DiscountDraft = Omit<CodeDiscount, "id" | "codeId" | "createdAt">;

const ROOT = "basicCodeDiscount";
const MAX_CODE_LENGTH = 255;

class Errors {
  readonly list: UserError[] = [];
  add(path: (string | number)[], code: string, message: string): void {
    this.list.push({ field: [ROOT, ...path.map(String)], message, code });
  }
}

const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;
const count = (...values: unknown[]): number => values.filter(present).length;

function dateOf(value: string | null | undefined, path: string, label: string, errors: Errors): number | null {
  if (!present(value)) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) errors.add([path], "INVALID", `${label} is invalid`);
  return Number.isNaN(ms) ? null : ms;
}

/** Customer ids exist here when some order of the emulator's checkout carries them. */
function knownCustomers(shop: ShopState): Set<string> {
  const ids = new Set<string>();
  for (const order of shop.orders.values()) ids.add(gid("Customer", order.customerId));
  return ids;
}

function customerIds(shop: ShopState, ids: string[], path: (string | number)[], errors: Errors): string[] {
  const known = knownCustomers(shop);
  ids.forEach((id, i) => {
    if (!known.has(id)) errors.add([...path, i], "INVALID", `Customer ${id} does not exist`);
  });
  return [...new Set(ids)];
}

function buyers(shop: ShopState, input: Input, errors: Errors): DiscountBuyers {
  const { context, customerSelection } = input;
  if (present(context) && present(customerSelection)) errors.add(["context"], "TOO_MANY_ARGUMENTS", "Only one of context or customerSelection can be provided");
  if (present(context)) {
    if (count(context.all, context.customers, context.customerSegments, context.markets) !== 1)
      errors.add(["context"], "TOO_MANY_ARGUMENTS", "Exactly one of all, customers, customerSegments or markets must be provided");
    if (present(context.customerSegments)) errors.add(["context", "customerSegments", "add"], "INVALID", "Customer segment does not exist");
    if (present(context.markets)) errors.add(["context", "markets"], "INVALID", "Market does not exist");
    if (present(context.customers))
      return { kind: "customers", customerIds: customerIds(shop, context.customers.add ?? [], ["context", "customers", "add"], errors) };
    return { kind: "all" };
  }
  if (present(customerSelection)) {
    if (present(customerSelection.customerSegments)) errors.add(["customerSelection", "customerSegments", "add"], "INVALID", "Customer segment does not exist");
    if (present(customerSelection.customers))
      return { kind: "customers", customerIds: customerIds(shop, customerSelection.customers.add ?? [], ["customerSelection", "customers", "add"], errors) };
    if (customerSelection.all !== true)
      errors.add(["customerSelection"], "MISSING_ARGUMENT", "Customer selection must select all customers, customers or customer segments");
    return { kind: "all" };
  }
  errors.add(["context"], "MISSING_ARGUMENT", "Context can't be blank");
  return { kind: "all" };
}

function items(shop: ShopState, input: NonNullable<Input["customerGets"]>["items"], errors: Errors): DiscountItemsTarget {
  if (!present(input)) {
    errors.add(["customerGets", "items"], "BLANK", "Items can't be blank");
    return { kind: "all" };
  }
  if (count(input.all === true ? true : null, input.products, input.collections) !== 1)
    errors.add(["customerGets", "items"], "TOO_MANY_ARGUMENTS", "Exactly one of all, products or collections must be provided");
  if (present(input.collections)) errors.add(["customerGets", "items", "collections", "add"], "INVALID", "Collection does not exist");
  if (!present(input.products)) return { kind: "all" };
  const productIds = input.products.productsToAdd ?? [];
  const variantIds = input.products.productVariantsToAdd ?? [];
  productIds.forEach((id, i) => {
    if (!shop.catalog.productByGid(id)) errors.add(["customerGets", "items", "products", "productsToAdd", i], "INVALID", `Product ${id} does not exist`);
  });
  variantIds.forEach((id, i) => {
    if (!shop.catalog.variantByGid(id))
      errors.add(["customerGets", "items", "products", "productVariantsToAdd", i], "INVALID", `Product variant ${id} does not exist`);
  });
  if (productIds.length + variantIds.length === 0) errors.add(["customerGets", "items", "products"], "BLANK", "Products can't be blank");
  return { kind: "products", productIds, variantIds };
}

function value(shop: ShopState, input: NonNullable<Input["customerGets"]>["value"], errors: Errors): DiscountValue {
  const fallback: DiscountValue = { kind: "percentage", percentage: 0 };
  if (!present(input)) {
    errors.add(["customerGets", "value"], "BLANK", "Value can't be blank");
    return fallback;
  }
  if (count(input.percentage, input.discountAmount, input.discountOnQuantity) !== 1)
    errors.add(["customerGets", "value"], "TOO_MANY_ARGUMENTS", "Exactly one of percentage, discountAmount or discountOnQuantity must be provided");
  // discountOnQuantity is the buy-X-get-Y value: not for an amount-off discount.
  if (present(input.discountOnQuantity))
    errors.add(["customerGets", "value", "discountOnQuantity"], "INVALID", "Discount on quantity is only valid for buy X get Y discounts");
  if (present(input.percentage)) {
    if (input.percentage <= 0 || input.percentage > 1)
      errors.add(["customerGets", "value", "percentage"], "VALUE_OUTSIDE_RANGE", "Percentage must be between 0 and 1");
    return { kind: "percentage", percentage: input.percentage };
  }
  if (present(input.discountAmount)) {
    const cents = present(input.discountAmount.amount) ? minorUnits(input.discountAmount.amount, shop.catalog.currency) : null;
    if (cents === null || cents === 0) errors.add(["customerGets", "value", "discountAmount", "amount"], "GREATER_THAN", "Amount must be greater than 0");
    return { kind: "amount", amountCents: cents ?? 0, appliesOnEachItem: input.discountAmount.appliesOnEachItem ?? false };
  }
  return fallback;
}

function minimum(shop: ShopState, input: Input["minimumRequirement"], errors: Errors): DiscountMinimum {
  if (!present(input)) return null;
  if (present(input.subtotal) && present(input.quantity))
    errors.add(["minimumRequirement"], "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT", "Minimum subtotal and minimum quantity can't both be present");
  if (present(input.subtotal?.greaterThanOrEqualToSubtotal)) {
    const cents = minorUnits(input.subtotal.greaterThanOrEqualToSubtotal, shop.catalog.currency);
    if (cents === null) errors.add(["minimumRequirement", "subtotal", "greaterThanOrEqualToSubtotal"], "INVALID", "Minimum subtotal is invalid");
    return { kind: "subtotal", cents: cents ?? 0 };
  }
  if (present(input.quantity?.greaterThanOrEqualToQuantity)) {
    const quantity = Number(input.quantity.greaterThanOrEqualToQuantity);
    if (!Number.isSafeInteger(quantity) || quantity < 1)
      errors.add(["minimumRequirement", "quantity", "greaterThanOrEqualToQuantity"], "GREATER_THAN", "Minimum quantity must be greater than 0");
    return { kind: "quantity", quantity };
  }
  return null;
}

/** Validates everything at once (Shopify reports every problem, not the first); the code's uniqueness is the caller's. */
export function discountDraft(shop: ShopState, raw: unknown): { ok: true; draft: DiscountDraft } | { ok: false; userErrors: UserError[] } {
  const input = basicCodeDiscountSchema.parse(raw);
  const errors = new Errors();
  const title = input.title?.trim() ?? "";
  const code = input.code?.trim() ?? "";
  if (title === "") errors.add(["title"], "BLANK", "Title can't be blank");
  if (code === "") errors.add(["code"], "BLANK", "Code can't be blank");
  if (code.length > MAX_CODE_LENGTH) errors.add(["code"], "TOO_LONG", `Code is too long (maximum is ${MAX_CODE_LENGTH} characters)`);
  if (!present(input.startsAt)) errors.add(["startsAt"], "BLANK", "Starts at can't be blank");
  const startsAt = dateOf(input.startsAt, "startsAt", "Starts at", errors);
  const endsAt = dateOf(input.endsAt, "endsAt", "Ends at", errors);
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) errors.add(["endsAt"], "END_DATE_BEFORE_START_DATE", "Ends at needs to be after starts_at");
  if (present(input.usageLimit) && input.usageLimit < 1) errors.add(["usageLimit"], "GREATER_THAN", "Usage limit must be greater than 0");
  const buyerTarget = buyers(shop, input, errors);
  const gets = input.customerGets;
  if (!present(gets)) errors.add(["customerGets"], "BLANK", "Customer gets can't be blank");
  const oneTime = gets?.appliesOnOneTimePurchase ?? true;
  const subscription = gets?.appliesOnSubscription ?? false;
  if (!oneTime && !subscription)
    errors.add(["customerGets"], "APPLIES_ON_NOTHING", "A discount cannot have both appliesOnOneTimePurchase and appliesOnSubscription set to false.");
  const itemsTarget = present(gets) ? items(shop, gets.items, errors) : { kind: "all" as const };
  const discountValue = present(gets) ? value(shop, gets.value, errors) : { kind: "percentage" as const, percentage: 0 };
  const min = minimum(shop, input.minimumRequirement, errors);
  if (errors.list.length > 0) return { ok: false, userErrors: errors.list };
  return {
    ok: true,
    draft: {
      title,
      code,
      startsAt: startsAt ?? shop.now(),
      endsAt,
      usageLimit: input.usageLimit ?? null,
      appliesOncePerCustomer: input.appliesOncePerCustomer ?? false,
      buyers: buyerTarget,
      items: itemsTarget,
      value: discountValue,
      minimum: min,
      combinesWith: {
        orderDiscounts: input.combinesWith?.orderDiscounts ?? false,
        productDiscounts: input.combinesWith?.productDiscounts ?? false,
        shippingDiscounts: input.combinesWith?.shippingDiscounts ?? false,
      },
      appliesOnOneTimePurchase: oneTime,
      appliesOnSubscription: subscription,
      recurringCycleLimit: input.recurringCycleLimit ?? null,
      tags: input.tags ?? [],
    },
  };
}
