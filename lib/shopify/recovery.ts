import { z } from "zod";
import { failure } from "../http/call-result";
import { decimalAmount, minorUnitsOf } from "../money";
import {
  APOLOGY_CODE_MUTATION,
  DISCOUNT_BY_CODE_QUERY,
  RECOVERY_ORDER_QUERY,
  RECOVERY_REFUND_MUTATION,
  RECOVERY_REFUND_PREVIEW_QUERY,
} from "./admin-documents";
import type { AdminResult, ShopifyAdmin } from "./admin-client";

/** Oversell recovery on Shopify: read the order, refund short lines, create an apology code. */
/** Shopify `Decimal` as a string ("28.0"); checked here so converting it to minor units cannot fail. */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const money = z.object({ amount: decimal, currencyCode: z.string() });
const shopMoney = z.object({ shopMoney: money });
const presentmentMoney = z.object({ presentmentMoney: money });

const orderSchema = z.object({
  order: z
    .object({
      id: z.string(),
      name: z.string(),
      // Level 2 protected data: null when the app has no access (admin-client keeps such partial data).
      email: z.string().nullable(),
      createdAt: z.string(),
      cancelledAt: z.string().nullable(),
      presentmentCurrencyCode: z.string(),
      totalPriceSet: shopMoney,
      customer: z
        .object({
          id: z.string(),
          firstName: z.string().nullable(),
          displayName: z.string(),
          defaultEmailAddress: z.object({ emailAddress: z.string().nullable() }).nullable(),
        })
        .nullable(),
    })
    .nullable(),
});

export interface RecoveryOrder {
  gid: string;
  name: string;
  /** The customer's email, else the order's; null when neither is readable (redacted or absent). */
  email: string | null;
  customerGid: string | null;
  customerName: string;
  firstName: string | null;
  createdAt: string;
  cancelled: boolean;
  /** Shop currency (the order's value, for the escalation threshold). */
  currency: string;
  /** The buyer's currency: refunds are in it. */
  presentmentCurrency: string;
  totalCents: number;
}

export const orderGid = (orderId: string) => `gid://shopify/Order/${orderId}`;

/** The redaction placeholder Shopify puts in `displayName` without Level 2 access. */
const REDACTED = "•••";

export async function readRecoveryOrder(admin: ShopifyAdmin, orderId: string): Promise<AdminResult<RecoveryOrder | null>> {
  const result = await admin.request(RECOVERY_ORDER_QUERY, { id: orderGid(orderId) }, orderSchema);
  if (result.kind !== "ok") return result;
  const o = result.data.order;
  if (!o) return { ...result, data: null };
  const displayName = o.customer?.displayName;
  return {
    ...result,
    data: {
      gid: o.id,
      name: o.name,
      email: o.customer?.defaultEmailAddress?.emailAddress ?? o.email,
      customerGid: o.customer?.id ?? null,
      customerName: displayName && displayName !== REDACTED ? displayName : "there",
      firstName: o.customer?.firstName ?? null,
      createdAt: o.createdAt,
      cancelled: o.cancelledAt !== null,
      currency: o.totalPriceSet.shopMoney.currencyCode,
      presentmentCurrency: o.presentmentCurrencyCode,
      totalCents: minorUnitsOf(o.totalPriceSet.shopMoney.amount, o.totalPriceSet.shopMoney.currencyCode),
    },
  };
}

const previewSchema = z.object({
  order: z
    .object({
      displayFinancialStatus: z.string().nullable(),
      presentmentCurrencyCode: z.string(),
      suggestedRefund: z.object({
        refundLineItems: z.array(z.object({ quantity: z.number().int(), lineItem: z.object({ id: z.string(), name: z.string() }) })),
        suggestedTransactions: z.array(
          z.object({ gateway: z.string(), kind: z.string(), parentTransaction: z.object({ id: z.string() }).nullable(), amountSet: presentmentMoney }),
        ),
      }),
    })
    .nullable(),
});

/** One transaction of a refund, as sent: the payment's gateway, the payment as parent, presentment amount. */
export interface RefundTransaction {
  gateway: string;
  parentId: string | null;
  amount: string;
}

/** What to refund for some units of a line, from Shopify's own `suggestedRefund`. */
export type RefundPlan =
  | { kind: "refund"; lineName: string; currency: string; amountCents: number; transactions: RefundTransaction[] }
  /** Nothing to refund through a transaction: escalate with `reason`, never send 0.00. */
  | { kind: "none"; reason: string };

export async function planLineRefund(admin: ShopifyAdmin, orderId: string, lineGid: string, units: number): Promise<AdminResult<RefundPlan | null>> {
  const lines = [{ lineItemId: lineGid, quantity: units, restockType: "NO_RESTOCK" }];
  const result = await admin.request(RECOVERY_REFUND_PREVIEW_QUERY, { id: orderGid(orderId), lines }, previewSchema);
  if (result.kind !== "ok") return result;
  const o = result.data.order;
  if (!o) return { ...result, data: null };
  const line = o.suggestedRefund.refundLineItems.find((r) => r.lineItem.id === lineGid);
  if (!line) return { ...result, data: { kind: "none", reason: "the line is not on the order, or has no units left to refund" } };
  const currency = o.presentmentCurrencyCode;
  const transactions = o.suggestedRefund.suggestedTransactions.map((t) => ({
    gateway: t.gateway,
    parentId: t.parentTransaction?.id ?? null,
    cents: minorUnitsOf(t.amountSet.presentmentMoney.amount, t.amountSet.presentmentMoney.currencyCode),
  }));
  const amountCents = transactions.reduce((n, t) => n + t.cents, 0);
  if (amountCents <= 0) {
    // An authorization-only payment (manual capture) has captured nothing: it needs a capture
    // adjustment or a void, a merchant's call, not a REFUND (OrderTransactionKind.REFUND).
    const reason =
      o.displayFinancialStatus === "AUTHORIZED" || o.displayFinancialStatus === "PARTIALLY_PAID"
        ? "the payment is only authorized (manual capture), so nothing captured can be refunded: void or capture it in Shopify (once captured, the next run refunds)"
        : `Shopify suggests no refund for the line (financial status ${o.displayFinancialStatus ?? "unknown"})`;
    return { ...result, data: { kind: "none", reason } };
  }
  return {
    ...result,
    data: {
      kind: "refund",
      lineName: line.lineItem.name,
      currency,
      amountCents,
      transactions: transactions
        .filter((t) => t.cents > 0)
        .map((t) => ({ gateway: t.gateway, parentId: t.parentId, amount: decimalAmount(t.cents, currency) })),
    },
  };
}

const refundSchema = z.object({
  refundCreate: z
    .object({
      refund: z.object({ id: z.string(), totalRefundedSet: presentmentMoney }).nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string() })),
    })
    .nullable(),
});

/**
 * Refund `units` of one line without shipping them, and without restocking: the units never
 * existed, so they must not come back as `available` (a "cancel" restock would offer them
 * again, and in a sell-out a buyer takes them within the second — an oversell loop the
 * flash-sale harness caught). Shopify drops them from the line and from `committed`. The money
 * is the plan's (Shopify's suggestion), in presentment currency with `currency` set, which
 * Shopify requires when it differs from the shop's. The refunded amount is Shopify's answer.
 */
export async function refundShortLine(
  admin: ShopifyAdmin,
  key: string,
  orderGidValue: string,
  lineGid: string,
  units: number,
  plan: { currency: string; transactions: RefundTransaction[] },
  note: string,
): Promise<AdminResult<{ refundId: string; refundedCents: number; currency: string }>> {
  const input = {
    orderId: orderGidValue,
    note,
    notify: false,
    currency: plan.currency,
    refundLineItems: [{ lineItemId: lineGid, quantity: units, restockType: "NO_RESTOCK" }],
    transactions: plan.transactions.map((t) => ({
      orderId: orderGidValue,
      kind: "REFUND",
      gateway: t.gateway,
      amount: t.amount,
      ...(t.parentId ? { parentId: t.parentId } : {}),
    })),
  };
  const result = await admin.request(RECOVERY_REFUND_MUTATION, { key, input }, refundSchema);
  if (result.kind !== "ok") return result;
  const payload = result.data.refundCreate;
  // Shopify refused it (user errors): a failure for good, not a retry.
  if (!payload?.refund) return failure((payload?.userErrors.map((e) => e.message) ?? ["no refund returned"]).join("; "));
  const total = payload.refund.totalRefundedSet.presentmentMoney;
  return { ...result, data: { refundId: payload.refund.id, refundedCents: minorUnitsOf(total.amount, total.currencyCode), currency: total.currencyCode } };
}

const codeSchema = z.object({
  discountCodeBasicCreate: z
    .object({
      codeDiscountNode: z.object({ id: z.string() }).nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string(), code: z.string().nullish() })),
    })
    .nullable(),
});
const byCodeSchema = z.object({ codeDiscountNodeByCode: z.object({ id: z.string() }).nullable() });

/** A single-use percentage code for one customer; if the code exists already (a retry), that one. */
export async function createApologyCode(
  admin: ShopifyAdmin,
  code: string,
  title: string,
  percent: number,
  customerGid: string | null,
  now: Date,
): Promise<AdminResult<{ discountId: string; reused: boolean }>> {
  const input = {
    title,
    code,
    startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + 90 * 86_400_000).toISOString(),
    usageLimit: 1,
    appliesOncePerCustomer: true,
    context: customerGid ? { customers: { add: [customerGid] } } : { all: "ALL" },
    customerGets: { value: { percentage: percent / 100 }, items: { all: true } },
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
  };
  const result = await admin.request(APOLOGY_CODE_MUTATION, { input }, codeSchema);
  if (result.kind !== "ok") return result;
  const payload = result.data.discountCodeBasicCreate;
  if (payload?.codeDiscountNode) return { ...result, data: { discountId: payload.codeDiscountNode.id, reused: false } };
  if (payload?.userErrors.some((e) => e.code === "TAKEN")) {
    const existing = await admin.request(DISCOUNT_BY_CODE_QUERY, { code }, byCodeSchema);
    if (existing.kind !== "ok") return existing;
    if (existing.data.codeDiscountNodeByCode) return { ...existing, data: { discountId: existing.data.codeDiscountNodeByCode.id, reused: true } };
  }
  return failure((payload?.userErrors.map((e) => e.message) ?? ["no discount returned"]).join("; "));
}
