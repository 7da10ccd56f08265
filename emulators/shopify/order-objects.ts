import { locationNode, productNode, variantNode } from "./admin-objects";
import { paginate } from "./connection";
import { graphqlDateTime, moneyBag, moneyV2 } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid } from "./ids";
import {
  currentQuantity,
  currentShippingCents,
  currentSubtotalCents,
  currentTotalCents,
  financialStatus,
  fulfillmentStatus,
  netPaymentCents,
  orderCustomer,
  orderSubtotalCents,
  orderTotalCents,
  refundedCents,
  SHIPPING_CENTS,
  unfulfilled,
  type Order,
  type OrderLine,
  type Refund,
  type RefundLine,
} from "./orders";
import type { ShopState } from "./shop-state";

/**
 * Admin GraphQL `Order`, `LineItem`, `Refund`, `RefundLineItem`, `Customer` and
 * `OrderTransaction` for the orders the emulator's checkout created, with the same numbers as
 * the REST webhook bodies (order-payload.ts): no taxes or discounts, one flat shipping line,
 * one Shopify Payments sale per order and one refund transaction per refund that moved money.
 */
type Args = Record<string, unknown>;

const GATEWAY = "shopify_payments";

/** `first`/`last` on the plain lists Shopify caps with an argument (`Order.refunds(first:)`). */
const limited = <T>(items: readonly T[], args: Args): T[] => (typeof args.first === "number" ? items.slice(0, Math.max(0, args.first)) : [...items]);

/** GraphQL's enum spellings of the order model's statuses (orders.ts). */
const FINANCIAL_ENUM = { paid: "PAID", partially_refunded: "PARTIALLY_REFUNDED", refunded: "REFUNDED" } as const;
const FULFILLMENT_ENUM = { unfulfilled: "UNFULFILLED", partial: "PARTIALLY_FULFILLED", fulfilled: "FULFILLED" } as const;

export function customerNode(shop: ShopState, order: Order): GraphQLObject {
  const buyer = orderCustomer(order);
  return {
    __typename: "Customer",
    id: gid("Customer", buyer.id),
    legacyResourceId: String(buyer.id),
    firstName: buyer.firstName,
    lastName: buyer.lastName,
    displayName: buyer.displayName,
    email: buyer.email,
    phone: null,
    note: null,
    tags: [],
    state: "DISABLED",
    verifiedEmail: true,
    taxExempt: false,
    locale: "en",
    createdAt: graphqlDateTime(order.createdAt - 86_400_000 * 30),
    updatedAt: graphqlDateTime(order.createdAt),
    defaultEmailAddress: {
      __typename: "CustomerEmailAddress",
      emailAddress: buyer.email,
      marketingState: "NOT_SUBSCRIBED",
      marketingOptInLevel: "SINGLE_OPT_IN",
      marketingUpdatedAt: null,
      validFormat: true,
    },
    // One checkout = one customer id here, so what they spent is this order, net of refunds.
    amountSpent: () => moneyV2(netPaymentCents(order), shop.catalog.currency),
  };
}

export function lineItemNode(shop: ShopState, order: Order, line: OrderLine): GraphQLObject {
  const currency = shop.catalog.currency;
  const { variant } = line;
  const open = () => (order.cancelledAt === null ? unfulfilled(line) : 0);
  return {
    __typename: "LineItem",
    id: gid("LineItem", line.id),
    name: `${variant.product.title} - ${variant.title}`,
    title: variant.product.title,
    variantTitle: variant.title,
    sku: variant.sku,
    vendor: shop.shopName,
    quantity: line.quantity,
    currentQuantity: () => currentQuantity(line),
    unfulfilledQuantity: open,
    refundableQuantity: () => currentQuantity(line),
    nonFulfillableQuantity: () => line.quantity - open() - line.fulfilled,
    requiresShipping: true,
    taxable: true,
    isGiftCard: false,
    merchantEditable: true,
    restockable: true,
    customAttributes: [],
    discountAllocations: [],
    duties: [],
    taxLines: [],
    originalUnitPriceSet: moneyBag(line.priceCents, currency),
    discountedUnitPriceSet: moneyBag(line.priceCents, currency),
    discountedUnitPriceAfterAllDiscountsSet: moneyBag(line.priceCents, currency),
    originalTotalSet: moneyBag(line.priceCents * line.quantity, currency),
    discountedTotalSet: () => moneyBag(line.priceCents * line.quantity, currency),
    totalDiscountSet: moneyBag(0, currency),
    unfulfilledOriginalTotalSet: () => moneyBag(line.priceCents * open(), currency),
    unfulfilledDiscountedTotalSet: () => moneyBag(line.priceCents * open(), currency),
    variant: () => variantNode(shop, variant),
    product: () => productNode(shop, variant.product),
  };
}

function transactionNode(
  shop: ShopState,
  order: Order,
  tx: { id: number; kind: "SALE" | "REFUND"; cents: number; at: number; parentId: number | null },
): GraphQLObject {
  return {
    __typename: "OrderTransaction",
    id: gid("OrderTransaction", tx.id),
    kind: tx.kind,
    status: "SUCCESS",
    gateway: GATEWAY,
    formattedGateway: "Shopify Payments",
    test: false,
    manualPaymentGateway: false,
    manuallyCapturable: false,
    multiCapturable: false,
    errorCode: null,
    fees: [],
    amountSet: moneyBag(tx.cents, shop.catalog.currency),
    createdAt: graphqlDateTime(tx.at),
    processedAt: graphqlDateTime(tx.at),
    paymentId: `${order.name}.${tx.kind === "SALE" ? 1 : 2}`,
    order: () => orderNode(shop, order),
    parentTransaction: () => (tx.parentId === null ? null : saleTransaction(shop, order)),
  };
}

const saleTransaction = (shop: ShopState, order: Order) =>
  transactionNode(shop, order, { id: order.paymentTransactionId, kind: "SALE", cents: orderTotalCents(order), at: order.createdAt, parentId: null });

const refundTransactions = (shop: ShopState, order: Order, refund: Refund) =>
  refund.amountCents === 0
    ? []
    : [
        transactionNode(shop, order, {
          id: refund.transactionId,
          kind: "REFUND",
          cents: refund.amountCents,
          at: refund.createdAt,
          parentId: order.paymentTransactionId,
        }),
      ];

function refundLineItemNode(shop: ShopState, order: Order, item: RefundLine): GraphQLObject {
  const currency = shop.catalog.currency;
  const location = item.locationId === null ? undefined : shop.catalog.locationById(item.locationId);
  return {
    __typename: "RefundLineItem",
    id: gid("RefundLineItem", item.id),
    quantity: item.quantity,
    restockType: item.restockType.toUpperCase(),
    restocked: item.restockType !== "no_restock",
    priceSet: moneyBag(item.line.priceCents, currency),
    subtotalSet: moneyBag(item.line.priceCents * item.quantity, currency),
    totalTaxSet: moneyBag(0, currency),
    lineItem: () => lineItemNode(shop, order, item.line),
    location: () => (location ? locationNode(shop, location) : null),
  };
}

export function refundNode(shop: ShopState, order: Order, refund: Refund): GraphQLObject {
  const currency = shop.catalog.currency;
  const at = graphqlDateTime(refund.createdAt);
  return {
    __typename: "Refund",
    id: gid("Refund", refund.id),
    legacyResourceId: String(refund.id),
    createdAt: at,
    processedAt: at,
    updatedAt: at,
    note: refund.note,
    duties: [],
    return: null,
    staffMember: null,
    totalRefundedSet: moneyBag(refund.amountCents, currency),
    order: () => orderNode(shop, order),
    refundLineItems: (args: Args) =>
      paginate(
        refund.lines,
        args,
        (l) => l.id,
        (l) => refundLineItemNode(shop, order, l),
      ),
    transactions: (args: Args) =>
      paginate(
        refundTransactions(shop, order, refund).map((node) => ({ node, id: refund.transactionId })),
        args,
        (t) => t.id,
        (t) => t.node,
      ),
    refundShippingLines: (args: Args) =>
      paginate(
        [],
        args,
        () => 0,
        () => null,
      ),
    orderAdjustments: (args: Args) =>
      paginate(
        [],
        args,
        () => 0,
        () => null,
      ),
  };
}

export function orderNode(shop: ShopState, order: Order): GraphQLObject {
  const currency = shop.catalog.currency;
  const money = (minor: number) => moneyBag(minor, currency);
  const zero = money(0);
  const created = graphqlDateTime(order.createdAt);
  const cancelled = order.cancelledAt === null ? null : graphqlDateTime(order.cancelledAt);
  return {
    __typename: "Order",
    id: gid("Order", order.id),
    legacyResourceId: String(order.id),
    name: order.name,
    number: order.number - 1000,
    email: order.email,
    phone: null,
    note: null,
    tags: [],
    test: false,
    confirmed: true,
    confirmationNumber: order.confirmationNumber,
    sourceName: "web",
    cartToken: order.cartToken,
    checkoutToken: order.checkoutToken,
    customerLocale: "en-US",
    currencyCode: currency,
    presentmentCurrencyCode: currency,
    paymentGatewayNames: [GATEWAY],
    taxesIncluded: false,
    taxExempt: false,
    dutiesIncluded: false,
    estimatedTaxes: false,
    requiresShipping: true,
    discountCode: null,
    discountCodes: [],
    taxLines: [],
    createdAt: created,
    processedAt: created,
    updatedAt: () => graphqlDateTime(order.updatedAt),
    cancelledAt: cancelled,
    cancelReason: cancelled ? "CUSTOMER" : null,
    closed: cancelled !== null,
    closedAt: cancelled,
    displayFinancialStatus: () => FINANCIAL_ENUM[financialStatus(order)],
    displayFulfillmentStatus: () => FULFILLMENT_ENUM[fulfillmentStatus(order)],
    fullyPaid: true,
    unpaid: false,
    refundable: () => netPaymentCents(order) > 0,
    subtotalLineItemsQuantity: order.lines.reduce((n, l) => n + l.quantity, 0),
    currentSubtotalLineItemsQuantity: () => order.lines.reduce((n, l) => n + currentQuantity(l), 0),
    subtotalPriceSet: money(orderSubtotalCents(order)),
    totalPriceSet: money(orderTotalCents(order)),
    originalTotalPriceSet: money(orderTotalCents(order)),
    totalShippingPriceSet: money(SHIPPING_CENTS),
    totalTaxSet: zero,
    totalDiscountsSet: zero,
    totalReceivedSet: money(orderTotalCents(order)),
    totalOutstandingSet: zero,
    totalRefundedSet: () => money(refundedCents(order)),
    totalRefundedShippingSet: zero,
    netPaymentSet: () => money(netPaymentCents(order)),
    currentSubtotalPriceSet: () => money(currentSubtotalCents(order)),
    currentShippingPriceSet: () => money(currentShippingCents(order)),
    currentTotalPriceSet: () => money(currentTotalCents(order)),
    currentTotalTaxSet: zero,
    currentTotalDiscountsSet: zero,
    customer: () => customerNode(shop, order),
    lineItems: (args: Args) =>
      paginate(
        order.lines,
        args,
        (l) => l.id,
        (l) => lineItemNode(shop, order, l),
      ),
    refunds: (args: Args) => limited(order.refunds, args).map((r) => refundNode(shop, order, r)),
    transactions: (args: Args) => limited([saleTransaction(shop, order), ...order.refunds.flatMap((r) => refundTransactions(shop, order, r))], args),
  };
}
