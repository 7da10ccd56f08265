import type { CartRecord } from "./cart-book";
import { paginate } from "./connection";
import { graphqlDateTime, storefrontDecimal } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid, parseGid, uuidFrom } from "./ids";
import type { VariantRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";
import { storefrontVariant } from "./storefront-objects";

/**
 * Storefront carts the way Shopify keeps them: lines merge by variant, adds are clamped to
 * what the shop can sell (with a `MERCHANDISE_NOT_ENOUGH_STOCK` / `_OUT_OF_STOCK` warning),
 * a quantity of 0 removes a line, and a completed cart reads back as `null`.
 */
type Args = Record<string, unknown>;
type UserError = { __typename: "CartUserError"; field: string[]; message: string; code: string };
type Warning = { __typename: "CartWarning"; code: string; message: string; target: string };

export const cartGid = (cart: CartRecord) => gid("Cart", `${cart.token}?key=${cart.key}`);

/** What one more unit of this variant could still be sold (the sum over locations). */
const sellable = (shop: ShopState, variant: VariantRecord) => shop.inventory.totalAvailable(variant.sku);

/** Adds lines (merging by variant), clamped to stock. Returns user errors and warnings. */
export function addLines(shop: ShopState, cart: CartRecord, lines: unknown, path: string[]): { userErrors: UserError[]; warnings: Warning[] } {
  const userErrors: UserError[] = [];
  const warnings: Warning[] = [];
  const inputs = Array.isArray(lines) ? lines : [];
  inputs.forEach((raw: Args, i) => {
    const merchandiseId = typeof raw.merchandiseId === "string" ? raw.merchandiseId : "";
    const quantity = typeof raw.quantity === "number" ? raw.quantity : 1;
    const variantId = parseGid(merchandiseId, "ProductVariant");
    const variant = variantId === null ? undefined : shop.catalog.variants.find((v) => v.id === variantId);
    if (!variant) {
      userErrors.push({
        __typename: "CartUserError",
        field: [...path, String(i), "merchandiseId"],
        message: `The merchandise with id ${merchandiseId} does not exist.`,
        code: "INVALID",
      });
      return;
    }
    if (quantity < 1) {
      userErrors.push({ __typename: "CartUserError", field: [...path, String(i), "quantity"], message: "The quantity must be at least 1.", code: "INVALID" });
      return;
    }
    const existing = cart.lines.find((l) => l.variant === variant);
    const wanted = (existing?.quantity ?? 0) + quantity;
    const granted = Math.min(wanted, sellable(shop, variant));
    if (granted < wanted) warnings.push(stockWarning(variant, granted, existing?.id ?? merchandiseId));
    if (existing) existing.quantity = Math.max(existing.quantity, granted);
    else if (granted > 0) cart.lines.push({ id: gid("CartLine", `${uuidFrom(shop.random)}?cart=${cart.token}`), variant, quantity: granted });
  });
  cart.updatedAt = shop.now();
  return { userErrors, warnings };
}

function stockWarning(variant: VariantRecord, granted: number, target: string): Warning {
  return granted === 0
    ? { __typename: "CartWarning", code: "MERCHANDISE_OUT_OF_STOCK", message: `The product '${variant.product.title}' is already sold out.`, target }
    : {
        __typename: "CartWarning",
        code: "MERCHANDISE_NOT_ENOUGH_STOCK",
        message: `Only ${granted} items were added to your cart due to availability.`,
        target,
      };
}

export function updateLines(shop: ShopState, cart: CartRecord, lines: unknown): { userErrors: UserError[]; warnings: Warning[] } {
  const userErrors: UserError[] = [];
  const warnings: Warning[] = [];
  (Array.isArray(lines) ? lines : []).forEach((raw: Args, i) => {
    const line = cart.lines.find((l) => l.id === raw.id);
    if (!line) {
      userErrors.push({
        __typename: "CartUserError",
        field: ["lines", String(i), "id"],
        message: `The merchandise line with id ${String(raw.id)} does not exist.`,
        code: "INVALID",
      });
      return;
    }
    const quantity = typeof raw.quantity === "number" ? raw.quantity : line.quantity;
    if (quantity <= 0) {
      cart.lines = cart.lines.filter((l) => l !== line);
      return;
    }
    const granted = Math.min(quantity, sellable(shop, line.variant));
    if (granted < quantity) warnings.push(stockWarning(line.variant, granted, line.id));
    if (granted === 0) cart.lines = cart.lines.filter((l) => l !== line);
    else line.quantity = granted;
  });
  cart.updatedAt = shop.now();
  return { userErrors, warnings };
}

export function removeLines(shop: ShopState, cart: CartRecord, lineIds: unknown): { userErrors: UserError[]; warnings: Warning[] } {
  const ids = new Set(Array.isArray(lineIds) ? lineIds.map(String) : []);
  const userErrors: UserError[] = [...ids]
    .filter((id) => !cart.lines.some((l) => l.id === id))
    .map((id) => ({
      __typename: "CartUserError" as const,
      field: ["lineIds"],
      message: `The merchandise line with id ${id} does not exist.`,
      code: "INVALID",
    }));
  cart.lines = cart.lines.filter((l) => !ids.has(l.id));
  cart.updatedAt = shop.now();
  return { userErrors, warnings: [] };
}

export const cartTotalMinor = (cart: CartRecord) => cart.lines.reduce((sum, l) => sum + l.variant.priceCents * l.quantity, 0);

/** The Storefront `Cart` object (default resolvers read these fields). */
export function storefrontCart(shop: ShopState, cart: CartRecord, checkoutBaseUrl: string): GraphQLObject {
  const currency = shop.catalog.currency;
  const money = (minor: number) => ({ __typename: "MoneyV2", amount: storefrontDecimal(minor, currency), currencyCode: currency });
  const total = money(cartTotalMinor(cart));
  const lineNodes = cart.lines.map((line) => ({
    __typename: "CartLine",
    id: line.id,
    quantity: line.quantity,
    attributes: [],
    attribute: null,
    discountAllocations: [],
    sellingPlanAllocation: null,
    instructions: { __typename: "CartLineInstructions", canRemove: true, canUpdateQuantity: true },
    parentRelationship: null,
    merchandise: storefrontVariant(shop, line.variant),
    cost: {
      __typename: "CartLineCost",
      amountPerQuantity: money(line.variant.priceCents),
      compareAtAmountPerQuantity: null,
      subtotalAmount: money(line.variant.priceCents * line.quantity),
      totalAmount: money(line.variant.priceCents * line.quantity),
    },
  }));
  return {
    __typename: "Cart",
    id: cartGid(cart),
    checkoutUrl: `${checkoutBaseUrl}/cart/c/${cart.token}?key=${cart.key}`,
    createdAt: graphqlDateTime(cart.createdAt),
    updatedAt: graphqlDateTime(cart.updatedAt),
    totalQuantity: cart.lines.reduce((sum, l) => sum + l.quantity, 0),
    note: null,
    attributes: [],
    attribute: null,
    discountCodes: [],
    discountAllocations: [],
    appliedGiftCards: [],
    cost: {
      __typename: "CartCost",
      subtotalAmount: total,
      totalAmount: total,
      checkoutChargeAmount: total,
      totalTaxAmount: null,
      totalDutyAmount: null,
      subtotalAmountEstimated: false,
      totalAmountEstimated: false,
      totalTaxAmountEstimated: false,
      totalDutyAmountEstimated: false,
    },
    lines: (args: Args) =>
      paginate(
        lineNodes,
        args,
        (_l) => lineNodes.indexOf(_l) + 1,
        (l) => l,
      ),
  };
}
