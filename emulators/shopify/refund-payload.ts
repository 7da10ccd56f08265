import { decimalAmount, moneySet, shopTimestamp } from "./format";
import { gid } from "./ids";
import { lineItemPayload } from "./line-item-payload";
import type { Order, Refund } from "./orders";
import type { ShopState } from "./shop-state";

/**
 * The REST-shaped refund body of `refunds/create` (API 2026-10), shaped like
 * tests/fixtures/shopify/refunds-create.json; also nested in an order's `refunds`.
 * Each refund line carries the nested `line_item` (the app reads the SKU from it).
 */
export function refundPayload(shop: ShopState, order: Order, refund: Refund) {
  const currency = shop.catalog.currency;
  const created = shopTimestamp(refund.createdAt);
  const zero = moneySet(0, currency);
  const amount = refund.amountCents;
  const hasReturn = refund.lines.some((l) => l.restockType === "return");
  return {
    id: refund.id,
    admin_graphql_api_id: gid("Refund", refund.id),
    created_at: created,
    note: refund.note,
    order_id: order.id,
    processed_at: created,
    restock: refund.lines.some((l) => l.restockType !== "no_restock"),
    duties: [],
    total_duties_set: zero,
    additional_fees: [],
    total_additional_fees_set: zero,
    return: hasReturn ? { id: refund.transactionId, admin_graphql_api_id: gid("Return", refund.transactionId) } : null,
    refund_shipping_lines: [],
    user_id: null,
    order_adjustments: [],
    refund_line_items: refund.lines.map((l) => {
      const subtotal = l.line.priceCents * l.quantity;
      return {
        id: l.id,
        line_item_id: l.line.id,
        location_id: l.locationId === null ? null : (shop.catalog.locationById(l.locationId)?.legacyId ?? null),
        quantity: l.quantity,
        restock_type: l.restockType,
        subtotal: Number(decimalAmount(subtotal, currency)),
        subtotal_set: moneySet(subtotal, currency),
        total_tax: 0,
        total_tax_set: zero,
        line_item: lineItemPayload(shop, order, l.line),
      };
    }),
    // A restock-only refund (refundCreate without transactions) moves no money: no transaction.
    transactions:
      amount === 0
        ? []
        : [
            {
              id: refund.transactionId,
              admin_graphql_api_id: gid("OrderTransaction", refund.transactionId),
              amount: decimalAmount(amount, currency),
              authorization: `re_${refund.transactionId.toString(36)}`,
              created_at: created,
              currency,
              device_id: null,
              error_code: null,
              gateway: "shopify_payments",
              kind: "refund",
              location_id: null,
              message: "Transaction approved",
              order_id: order.id,
              parent_id: order.paymentTransactionId,
              payment_details: {
                avs_result_code: null,
                buyer_action_info: null,
                credit_card_bin: "424242",
                credit_card_company: "Visa",
                credit_card_expiration_month: 8,
                credit_card_expiration_year: 2029,
                credit_card_name: "Demo Shopper",
                credit_card_number: "•••• •••• •••• 4242",
                credit_card_wallet: null,
                cvv_result_code: null,
                payment_method_name: "visa",
              },
              payment_id: `${order.name}.${order.refunds.indexOf(refund) + 2}`,
              payments_refund_attributes: { acquirer_reference_number: null, status: "success" },
              processed_at: created,
              receipt: {},
              source_name: "web",
              status: "success",
              test: false,
              total_unsettled_set: { presentment_money: { amount: "0.0", currency }, shop_money: { amount: "0.0", currency } },
              user_id: null,
            },
          ],
  };
}
