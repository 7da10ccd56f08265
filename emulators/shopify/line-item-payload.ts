import { decimalAmount, moneySet } from "./format";
import { gid } from "./ids";
import { currentQuantity, lineFulfillmentStatus, unfulfilled, type FulfillmentStatus, type Order, type OrderLine } from "./orders";
import type { ShopState } from "./shop-state";

/**
 * The REST-shaped line item nested in order and refund webhook bodies (API 2026-10); its own
 * file so order-payload.ts and refund-payload.ts both import it without importing each other.
 */
export const GRAMS_PER_UNIT = 200;

/** REST spells "nothing shipped yet" as null. */
export const restFulfillmentStatus = (status: FulfillmentStatus): "partial" | "fulfilled" | null => (status === "unfulfilled" ? null : status);

export function lineItemPayload(shop: ShopState, order: Order, line: OrderLine) {
  const currency = shop.catalog.currency;
  const { variant } = line;
  const remaining = order.cancelledAt === null ? unfulfilled(line) : 0;
  return {
    id: line.id,
    admin_graphql_api_id: gid("LineItem", line.id),
    attributed_staffs: [],
    current_quantity: currentQuantity(line),
    fulfillable_quantity: remaining,
    fulfillment_service: "manual",
    fulfillment_status: restFulfillmentStatus(lineFulfillmentStatus(line)),
    gift_card: false,
    grams: GRAMS_PER_UNIT,
    name: `${variant.product.title} - ${variant.title}`,
    price: decimalAmount(line.priceCents, currency),
    price_set: moneySet(line.priceCents, currency),
    product_exists: true,
    product_id: variant.product.id,
    properties: [],
    quantity: line.quantity,
    requires_shipping: true,
    sales_line_item_group_id: null,
    sku: variant.sku,
    taxable: true,
    title: variant.product.title,
    total_discount: decimalAmount(0, currency),
    total_discount_set: moneySet(0, currency),
    variant_id: variant.id,
    variant_inventory_management: "shopify",
    variant_title: variant.title,
    vendor: shop.shopName,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}
