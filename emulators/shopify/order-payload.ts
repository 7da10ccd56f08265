import { decimalAmount, moneySet, shopTimestamp } from "./format";
import { gid, ID_BASE } from "./ids";
import { GRAMS_PER_UNIT, lineItemPayload, restFulfillmentStatus } from "./line-item-payload";
import {
  currentShippingCents,
  currentSubtotalCents,
  currentTotalCents,
  financialStatus,
  fulfillmentStatus,
  orderCustomer,
  orderSubtotalCents,
  orderTotalCents,
  SHIPPING_CENTS,
  type Order,
} from "./orders";
import { refundPayload } from "./refund-payload";
import type { ShopState } from "./shop-state";

/**
 * The REST-shaped order body of `orders/create` and `orders/cancelled` (API 2026-10), in the
 * same full shape as tests/fixtures/shopify/orders-create.json: every key Shopify sends, with
 * values from the emulated order. Online checkout: `location_id` null, no taxes, one flat
 * "Standard" shipping line. Amounts and statuses come from the order model (orders.ts); this
 * file only spells them the REST way.
 */

// Shopify's Online Store sales channel app id (orders from the web checkout carry it).
const ONLINE_STORE_APP_ID = 580111;

const DEMO_ADDRESS = {
  first_name: "Demo",
  address1: "1804 Bouldin Ave",
  phone: "+15125550147",
  city: "Austin",
  zip: "78704",
  province: "Texas",
  country: "United States",
  last_name: "Shopper",
  address2: null,
  company: null,
  latitude: 30.2508,
  longitude: -97.7597,
  name: "Demo Shopper",
  country_code: "US",
  province_code: "TX",
};

export function orderPayload(shop: ShopState, order: Order) {
  const currency = shop.catalog.currency;
  const money = (minor: number) => decimalAmount(minor, currency);
  const zero = moneySet(0, currency);
  const subtotal = orderSubtotalCents(order);
  const currentSubtotal = currentSubtotalCents(order);
  const currentShipping = currentShippingCents(order);
  const currentTotal = currentTotalCents(order);
  const total = orderTotalCents(order);
  const created = shopTimestamp(order.createdAt);
  const cancelled = order.cancelledAt === null ? null : shopTimestamp(order.cancelledAt);
  const email = order.email;
  const customerCreated = shopTimestamp(order.createdAt - 86_400_000 * 30);
  const buyer = orderCustomer(order);
  return {
    id: order.id,
    admin_graphql_api_id: gid("Order", order.id),
    app_id: ONLINE_STORE_APP_ID,
    browser_ip: "203.0.113.58",
    buyer_accepts_marketing: false,
    cancel_reason: cancelled ? "customer" : null,
    cancelled_at: cancelled,
    cart_token: order.cartToken,
    checkout_id: order.checkoutId,
    checkout_token: order.checkoutToken,
    client_details: {
      accept_language: "en-US",
      browser_height: null,
      browser_ip: "203.0.113.58",
      browser_width: null,
      session_hash: null,
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36",
    },
    closed_at: cancelled,
    company: null,
    confirmation_number: order.confirmationNumber,
    confirmed: true,
    contact_email: email,
    created_at: created,
    currency,
    current_shipping_price_set: moneySet(currentShipping, currency),
    current_subtotal_price: money(currentSubtotal),
    current_subtotal_price_set: moneySet(currentSubtotal, currency),
    current_total_additional_fees_set: null,
    current_total_discounts: money(0),
    current_total_discounts_set: zero,
    current_total_duties_set: null,
    current_total_price: money(currentTotal),
    current_total_price_set: moneySet(currentTotal, currency),
    current_total_tax: money(0),
    current_total_tax_set: zero,
    customer_locale: "en-US",
    device_id: null,
    discount_codes: [],
    duties_included: false,
    email,
    estimated_taxes: false,
    financial_status: financialStatus(order),
    fulfillment_status: restFulfillmentStatus(fulfillmentStatus(order)),
    landing_site: `/products/${order.lines[0]?.variant.product.handle ?? ""}`,
    landing_site_ref: null,
    location_id: order.origin?.posLocationId ? (shop.catalog.locationById(order.origin.posLocationId)?.legacyId ?? null) : null,
    merchant_business_entity_id: "NzMxODI4NTUyMTM",
    merchant_of_record_app_id: null,
    name: order.name,
    note: null,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${shop.shopDomain}/${ID_BASE.shop}/orders/${order.token}/authenticate?key=${order.checkoutToken}`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: ["shopify_payments"],
    phone: null,
    po_number: null,
    presentment_currency: currency,
    processed_at: created,
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: order.origin?.sourceName ?? "web",
    source_url: null,
    subtotal_price: money(subtotal),
    subtotal_price_set: moneySet(subtotal, currency),
    tags: "",
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: order.origin?.test ?? false,
    token: order.token,
    total_cash_rounding_payment_adjustment_set: zero,
    total_cash_rounding_refund_adjustment_set: zero,
    total_discounts: money(0),
    total_discounts_set: zero,
    total_line_items_price: money(subtotal),
    total_line_items_price_set: moneySet(subtotal, currency),
    total_outstanding: money(0),
    total_price: money(total),
    total_price_set: moneySet(total, currency),
    total_shipping_price_set: moneySet(SHIPPING_CENTS, currency),
    total_tax: money(0),
    total_tax_set: zero,
    total_tip_received: money(0),
    total_weight: order.lines.reduce((n, l) => n + GRAMS_PER_UNIT * l.quantity, 0),
    updated_at: shopTimestamp(order.updatedAt),
    user_id: null,
    billing_address: DEMO_ADDRESS,
    customer: {
      id: order.customerId,
      created_at: customerCreated,
      updated_at: created,
      first_name: buyer.firstName,
      last_name: buyer.lastName,
      state: "disabled",
      note: null,
      verified_email: true,
      multipass_identifier: null,
      tax_exempt: false,
      email,
      phone: null,
      currency,
      tax_exemptions: [],
      email_marketing_consent: { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null },
      sms_marketing_consent: null,
      tags: "",
      admin_graphql_api_id: gid("Customer", order.customerId),
      default_address: { id: order.addressId, customer_id: order.customerId, ...DEMO_ADDRESS, country_name: DEMO_ADDRESS.country, default: true },
    },
    discount_applications: [],
    fulfillments: [],
    line_items: order.lines.map((line) => lineItemPayload(shop, order, line)),
    payment_terms: null,
    refunds: order.refunds.map((refund) => refundPayload(shop, order, refund)),
    shipping_address: DEMO_ADDRESS,
    shipping_lines: [
      {
        id: order.shippingLineId,
        carrier_identifier: null,
        code: "Standard",
        current_discounted_price_set: moneySet(currentShipping, currency),
        discounted_price: money(SHIPPING_CENTS),
        discounted_price_set: moneySet(SHIPPING_CENTS, currency),
        is_removed: false,
        phone: null,
        price: money(SHIPPING_CENTS),
        price_set: moneySet(SHIPPING_CENTS, currency),
        requested_fulfillment_service_id: null,
        source: "shopify",
        title: "Standard (3-5 business days)",
        tax_lines: [],
        discount_allocations: [],
      },
    ],
    returns: [],
    line_item_groups: [],
  };
}
