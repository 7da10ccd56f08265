import { locationNode, productNode, variantNode } from "./admin-objects";
import { paginate } from "./connection";
import { graphqlDateTime, moneyV2 } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid, parseGid } from "./ids";
import { GATEWAYS, type Side } from "./order-money";
import {
  capturedCents,
  currentQuantity,
  currentShippingCents,
  currentSubtotalCents,
  currentTotalCents,
  financialStatus,
  fulfillmentStatus,
  netPaymentCents,
  lineUnit,
  orderCustomer,
  orderDiscountCents,
  orderSubtotalCents,
  orderTaxCents,
  orderTotalCents,
  refundedCents,
  shippingCents,
  unfulfilled,
  type Order,
  type OrderLine,
  type Refund,
  type RefundLine,
} from "./orders";
import { protectedField, redactedDisplayName } from "./protected-data";
import type { ShopState } from "./shop-state";

/**
 * Admin GraphQL `Order`, `LineItem`, `Refund`, `RefundLineItem`, `Customer` and
 * `OrderTransaction` for the orders the emulator's checkout created: one payment per order
 * (its gateway, SALE or only an AUTHORIZATION, order-money.ts), amounts in shop and presentment
 * currency, a line discount and exclusive tax, one flat shipping line, one refund transaction
 * per refund that moved money, and `suggestedRefund` (at the end of this file). Level 2 protected
 * customer fields are redacted unless the shop granted the app access (protected-data.ts).
 * The REST webhook bodies (order-payload.ts) carry the same numbers for a default order.
 */
type Args = Record<string, unknown>;

/** A `MoneyBag` from one amount function evaluated on both sides of the order. */
export const orderBag = (order: Order, amount: (side: Side) => number) => ({
  __typename: "MoneyBag",
  shopMoney: moneyV2(amount("shop"), order.payment.shopCurrency),
  presentmentMoney: moneyV2(amount("presentment"), order.payment.presentmentCurrency),
});

/** `first`/`last` on the plain lists Shopify caps with an argument (`Order.refunds(first:)`). */
const limited = <T>(items: readonly T[], args: Args): T[] => (typeof args.first === "number" ? items.slice(0, Math.max(0, args.first)) : [...items]);

/** GraphQL's enum spellings of the order model's statuses (orders.ts). */
const FINANCIAL_ENUM = { authorized: "AUTHORIZED", paid: "PAID", partially_refunded: "PARTIALLY_REFUNDED", refunded: "REFUNDED" } as const;
const FULFILLMENT_ENUM = { unfulfilled: "UNFULFILLED", partial: "PARTIALLY_FULFILLED", fulfilled: "FULFILLED" } as const;

export function customerNode(shop: ShopState, order: Order): GraphQLObject {
  const buyer = orderCustomer(order);
  return {
    __typename: "Customer",
    id: gid("Customer", buyer.id),
    legacyResourceId: String(buyer.id),
    firstName: protectedField(shop, "Customer", buyer.firstName),
    lastName: protectedField(shop, "Customer", buyer.lastName),
    displayName: () => (shop.protectedCustomerData ? buyer.displayName : redactedDisplayName),
    email: protectedField(shop, "Customer", buyer.email),
    phone: protectedField(shop, "Customer", null),
    note: null,
    tags: [],
    state: "DISABLED",
    verifiedEmail: true,
    taxExempt: false,
    locale: "en",
    createdAt: graphqlDateTime(order.createdAt - 86_400_000 * 30),
    updatedAt: graphqlDateTime(order.createdAt),
    defaultEmailAddress: protectedField(shop, "Customer", {
      __typename: "CustomerEmailAddress",
      emailAddress: buyer.email,
      marketingState: "NOT_SUBSCRIBED",
      marketingOptInLevel: "SINGLE_OPT_IN",
      marketingUpdatedAt: null,
      validFormat: true,
    }),
    defaultPhoneNumber: protectedField(shop, "Customer", null),
    defaultAddress: protectedField(shop, "Customer", null),
    // One checkout = one customer id here, so what they spent is this order, net of refunds.
    amountSpent: () => moneyV2(netPaymentCents(order), order.payment.shopCurrency),
  };
}

export function lineItemNode(shop: ShopState, order: Order, line: OrderLine): GraphQLObject {
  const { variant } = line;
  const open = () => (order.cancelledAt === null ? unfulfilled(line) : 0);
  const unit = (side: Side) => lineUnit(order, line, side);
  const bag = (amount: (side: Side) => number) => orderBag(order, amount);
  const taxLines =
    order.payment.taxRate > 0
      ? [
          {
            __typename: "TaxLine",
            title: "Sales tax",
            rate: order.payment.taxRate,
            ratePercentage: order.payment.taxRate * 100,
            source: "Shopify",
            channelLiable: false,
            price: moneyV2(unit("shop").tax * line.quantity, order.payment.shopCurrency),
            priceSet: bag((side) => unit(side).tax * line.quantity),
          },
        ]
      : [];
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
    taxLines,
    originalUnitPriceSet: bag((side) => unit(side).price),
    discountedUnitPriceSet: bag((side) => unit(side).price - unit(side).discount),
    discountedUnitPriceAfterAllDiscountsSet: bag((side) => unit(side).price - unit(side).discount),
    originalTotalSet: bag((side) => unit(side).price * line.quantity),
    discountedTotalSet: () => bag((side) => (unit(side).price - unit(side).discount) * line.quantity),
    totalDiscountSet: bag((side) => unit(side).discount * line.quantity),
    unfulfilledOriginalTotalSet: () => bag((side) => unit(side).price * open()),
    unfulfilledDiscountedTotalSet: () => bag((side) => (unit(side).price - unit(side).discount) * open()),
    variant: () => variantNode(shop, variant),
    product: () => productNode(shop, variant.product),
  };
}

interface TransactionRecord {
  id: number;
  kind: "SALE" | "AUTHORIZATION" | "REFUND";
  amount: (side: Side) => number;
  at: number;
  parentId: number | null;
}

function transactionNode(shop: ShopState, order: Order, tx: TransactionRecord): GraphQLObject {
  const { gateway, kind } = order.payment;
  return {
    __typename: "OrderTransaction",
    id: gid("OrderTransaction", tx.id),
    kind: tx.kind,
    status: "SUCCESS",
    gateway,
    formattedGateway: GATEWAYS[gateway],
    test: false,
    manualPaymentGateway: gateway === "manual",
    // An authorization waits for its capture; nothing else here can be captured.
    manuallyCapturable: tx.kind === "AUTHORIZATION" && kind === "AUTHORIZATION",
    multiCapturable: false,
    errorCode: null,
    fees: [],
    amountSet: orderBag(order, tx.amount),
    amountV2: moneyV2(tx.amount("presentment"), order.payment.presentmentCurrency),
    maximumRefundableV2: () => (tx.kind === "SALE" ? moneyV2(netPaymentCents(order, "presentment"), order.payment.presentmentCurrency) : null),
    createdAt: graphqlDateTime(tx.at),
    processedAt: graphqlDateTime(tx.at),
    paymentId: `${order.name}.${tx.kind === "REFUND" ? 2 : 1}`,
    order: () => orderNode(shop, order),
    parentTransaction: () => (tx.parentId === null ? null : paymentTransaction(shop, order)),
  };
}

/** The order's one payment: a SALE (captured at checkout) or an AUTHORIZATION still waiting for its capture. */
export const paymentTransaction = (shop: ShopState, order: Order) =>
  transactionNode(shop, order, {
    id: order.paymentTransactionId,
    kind: order.payment.kind,
    amount: (side) => orderTotalCents(order, side),
    at: order.createdAt,
    parentId: null,
  });

const refundTransactions = (shop: ShopState, order: Order, refund: Refund) =>
  refund.amountCents === 0
    ? []
    : [
        transactionNode(shop, order, {
          id: refund.transactionId,
          kind: "REFUND",
          amount: (side) => (side === "shop" ? refund.amountCents : refund.presentmentCents),
          at: refund.createdAt,
          parentId: order.paymentTransactionId,
        }),
      ];

export function refundLineItemNode(shop: ShopState, order: Order, item: Omit<RefundLine, "id"> & { id: number | null }): GraphQLObject {
  const location = item.locationId === null ? undefined : shop.catalog.locationById(item.locationId);
  const unit = (side: Side) => lineUnit(order, item.line, side);
  return {
    __typename: "RefundLineItem",
    id: item.id === null ? null : gid("RefundLineItem", item.id),
    quantity: item.quantity,
    restockType: item.restockType.toUpperCase(),
    restocked: item.restockType !== "no_restock",
    price: moneyV2(unit("shop").price, order.payment.shopCurrency),
    priceSet: orderBag(order, (side) => unit(side).price),
    subtotal: moneyV2((unit("shop").price - unit("shop").discount) * item.quantity, order.payment.shopCurrency),
    subtotalSet: orderBag(order, (side) => (unit(side).price - unit(side).discount) * item.quantity),
    totalTax: moneyV2(unit("shop").tax * item.quantity, order.payment.shopCurrency),
    totalTaxSet: orderBag(order, (side) => unit(side).tax * item.quantity),
    lineItem: () => lineItemNode(shop, order, item.line),
    location: () => (location ? locationNode(shop, location) : null),
  };
}

export function refundNode(shop: ShopState, order: Order, refund: Refund): GraphQLObject {
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
    totalRefunded: moneyV2(refund.presentmentCents, order.payment.presentmentCurrency),
    totalRefundedSet: orderBag(order, (side) => (side === "shop" ? refund.amountCents : refund.presentmentCents)),
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
  const money = (amount: (side: Side) => number) => orderBag(order, amount);
  const zero = money(() => 0);
  const created = graphqlDateTime(order.createdAt);
  const cancelled = order.cancelledAt === null ? null : graphqlDateTime(order.cancelledAt);
  const authorized = order.payment.kind === "AUTHORIZATION";
  return {
    __typename: "Order",
    id: gid("Order", order.id),
    legacyResourceId: String(order.id),
    name: order.name,
    number: order.number - 1000,
    email: protectedField(shop, "email", order.email),
    phone: protectedField(shop, "phone", null),
    shippingAddress: protectedField(shop, "shippingAddress", null),
    billingAddress: protectedField(shop, "billingAddress", null),
    note: null,
    tags: [],
    test: false,
    confirmed: true,
    confirmationNumber: order.confirmationNumber,
    sourceName: "web",
    cartToken: order.cartToken,
    checkoutToken: order.checkoutToken,
    customerLocale: "en-US",
    currencyCode: order.payment.shopCurrency,
    presentmentCurrencyCode: order.payment.presentmentCurrency,
    paymentGatewayNames: [order.payment.gateway],
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
    fullyPaid: !authorized,
    unpaid: authorized,
    capturable: authorized && order.cancelledAt === null,
    totalCapturableSet: money((side) => (authorized ? orderTotalCents(order, side) : 0)),
    refundable: () => netPaymentCents(order) > 0,
    subtotalLineItemsQuantity: order.lines.reduce((n, l) => n + l.quantity, 0),
    currentSubtotalLineItemsQuantity: () => order.lines.reduce((n, l) => n + currentQuantity(l), 0),
    subtotalPriceSet: money((side) => orderSubtotalCents(order, side) - orderDiscountCents(order, side)),
    totalPriceSet: money((side) => orderTotalCents(order, side)),
    originalTotalPriceSet: money((side) => orderTotalCents(order, side)),
    totalShippingPriceSet: money((side) => shippingCents(order, side)),
    totalTaxSet: money((side) => orderTaxCents(order, side)),
    totalDiscountsSet: money((side) => orderDiscountCents(order, side)),
    totalReceivedSet: money((side) => capturedCents(order, side)),
    totalOutstandingSet: money((side) => orderTotalCents(order, side) - capturedCents(order, side)),
    totalRefundedSet: () => money((side) => refundedCents(order, side)),
    totalRefundedShippingSet: zero,
    netPaymentSet: () => money((side) => netPaymentCents(order, side)),
    currentSubtotalPriceSet: () => money((side) => currentSubtotalCents(order, side)),
    currentShippingPriceSet: () => money((side) => currentShippingCents(order, side)),
    currentTotalPriceSet: () => money((side) => currentTotalCents(order, side)),
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
    transactions: (args: Args) => limited([paymentTransaction(shop, order), ...order.refunds.flatMap((r) => refundTransactions(shop, order, r))], args),
    suggestedRefund: (args: Args) => suggestedRefundNode(shop, order, args),
  };
}

// ---------------------------------------------------------------- suggestedRefund

/**
 * `Order.suggestedRefund(refundLineItems:, refundShipping:, suggestFullRefund:)`: "A calculated
 * refund suggestion for the order based on specified line items, shipping, and duties. Use this
 * to preview refund amounts, taxes, and processing fees before creating an actual refund"
 * [2026-10 schema; https://shopify.dev/docs/api/admin-graphql/latest/objects/SuggestedRefund].
 * What the buyer paid for the units (discounted, plus their tax), in both currencies, capped by
 * what is still refundable; one `SUGGESTED_REFUND` transaction against the captured payment, with
 * its gateway and the payment as `parentTransaction`. An order whose payment is only authorized
 * has captured nothing, so nothing is suggested (a REFUND "can happen only after a capture is
 * processed", `OrderTransactionKind.REFUND`). Lines not on the order are left out; quantities
 * are capped at what the line still holds.
 */
interface Requested {
  line: OrderLine;
  quantity: number;
  restockType: "cancel" | "return" | "no_restock";
}

const RESTOCK = { CANCEL: "cancel", RETURN: "return", NO_RESTOCK: "no_restock", LEGACY_RESTOCK: "no_restock" } as const;

function requestedLines(order: Order, args: Args): Requested[] {
  if (args.suggestFullRefund === true)
    return order.lines.map((line) => ({ line, quantity: currentQuantity(line), restockType: "no_restock" as const })).filter((r) => r.quantity > 0);
  const raw = Array.isArray(args.refundLineItems) ? (args.refundLineItems as Record<string, unknown>[]) : [];
  return raw.flatMap((r) => {
    const id = typeof r.lineItemId === "string" ? parseGid(r.lineItemId, "LineItem") : null;
    const line = order.lines.find((l) => l.id === id);
    const quantity = Math.min(typeof r.quantity === "number" ? r.quantity : 0, line ? currentQuantity(line) : 0);
    if (!line || quantity <= 0) return [];
    const restockType = RESTOCK[(typeof r.restockType === "string" ? r.restockType : "NO_RESTOCK") as keyof typeof RESTOCK] ?? "no_restock";
    return [{ line, quantity, restockType }];
  });
}

export function suggestedRefundNode(shop: ShopState, order: Order, args: Args): GraphQLObject {
  const lines = requestedLines(order, args);
  const sum = (part: "price" | "discount" | "tax", side: Side) => lines.reduce((n, r) => n + lineUnit(order, r.line, side)[part] * r.quantity, 0);
  const discounted = (side: Side) => sum("price", side) - sum("discount", side);
  const shipping = (side: Side) => (args.refundShipping === true ? shippingCents(order, side) : 0);
  const maximum = (side: Side) => Math.max(0, netPaymentCents(order, side));
  const amount = (side: Side) => Math.min(maximum(side), discounted(side) + sum("tax", side) + shipping(side));
  const bag = (f: (side: Side) => number) => orderBag(order, f);
  const shopMoney = (f: (side: Side) => number) => moneyV2(f("shop"), order.payment.shopCurrency);
  const { gateway } = order.payment;
  const transactions =
    order.payment.kind === "SALE" && amount("presentment") > 0
      ? [
          {
            __typename: "SuggestedOrderTransaction",
            kind: "SUGGESTED_REFUND",
            gateway,
            formattedGateway: GATEWAYS[gateway],
            accountNumber: null,
            amount: shopMoney(amount),
            amountSet: bag(amount),
            maximumRefundable: shopMoney(maximum),
            maximumRefundableSet: bag(maximum),
            parentTransaction: () => paymentTransaction(shop, order),
            paymentDetails: null,
          },
        ]
      : [];
  return {
    __typename: "SuggestedRefund",
    amount: shopMoney(amount),
    amountSet: bag(amount),
    maximumRefundable: shopMoney(maximum),
    maximumRefundableSet: bag(maximum),
    subtotal: shopMoney(discounted),
    subtotalSet: bag(discounted),
    discountedSubtotalSet: bag(discounted),
    totalTaxes: shopMoney((side) => sum("tax", side)),
    totalTaxSet: bag((side) => sum("tax", side)),
    totalCartDiscountAmountSet: bag(() => 0),
    totalDutiesSet: bag(() => 0),
    refundDuties: [],
    suggestedRefundMethods: [],
    shipping: {
      __typename: "ShippingRefund",
      amount: shopMoney(shipping),
      amountSet: bag(shipping),
      maximumRefundable: shopMoney((side) => shippingCents(order, side)),
      maximumRefundableSet: bag((side) => shippingCents(order, side)),
      tax: shopMoney(() => 0),
      taxSet: bag(() => 0),
    },
    refundLineItems: lines.map((r) =>
      refundLineItemNode(shop, order, { id: null, line: r.line, quantity: r.quantity, restockType: r.restockType, locationId: null }),
    ),
    suggestedTransactions: transactions,
  };
}
