import { z } from "zod";
import { failure } from "../http/call-result";
import { decimalAmount, minorUnitsOf } from "../money";
import { APOLOGY_CODE_MUTATION, DISCOUNT_BY_CODE_QUERY, RECOVERY_ORDER_QUERY, RECOVERY_REFUND_MUTATION } from "./admin-documents";
import type { AdminResult, ShopifyAdmin } from "./admin-client";

/** Oversell recovery on Shopify: read the order, refund short lines, create an apology code. */
/** Shopify `Decimal` as a string ("28.0"); checked here so converting it to minor units cannot fail. */
const shopMoney = z.object({ shopMoney: z.object({ amount: z.string().regex(/^-?\d+(\.\d+)?$/), currencyCode: z.string() }) });

const orderSchema = z.object({
  order: z
    .object({
      id: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      createdAt: z.string(),
      cancelledAt: z.string().nullable(),
      totalPriceSet: shopMoney,
      customer: z
        .object({
          id: z.string(),
          firstName: z.string().nullable(),
          displayName: z.string(),
          defaultEmailAddress: z.object({ emailAddress: z.string().nullable() }).nullable(),
        })
        .nullable(),
      lineItems: z.object({
        nodes: z.array(z.object({ id: z.string(), sku: z.string().nullable(), name: z.string(), quantity: z.number().int(), originalUnitPriceSet: shopMoney })),
      }),
    })
    .nullable(),
});

export interface RecoveryOrder {
  gid: string;
  name: string;
  email: string | null;
  customerGid: string | null;
  customerName: string;
  firstName: string | null;
  createdAt: string;
  cancelled: boolean;
  currency: string;
  totalCents: number;
  lines: { gid: string; legacyId: string; sku: string | null; name: string; quantity: number; unitCents: number }[];
}

export const orderGid = (orderId: string) => `gid://shopify/Order/${orderId}`;

export async function readRecoveryOrder(admin: ShopifyAdmin, orderId: string): Promise<AdminResult<RecoveryOrder | null>> {
  const result = await admin.request(RECOVERY_ORDER_QUERY, { id: orderGid(orderId) }, orderSchema);
  if (result.kind !== "ok") return result;
  const o = result.data.order;
  if (!o) return { ...result, data: null };
  return {
    ...result,
    data: {
      gid: o.id,
      name: o.name,
      email: o.customer?.defaultEmailAddress?.emailAddress ?? o.email,
      customerGid: o.customer?.id ?? null,
      customerName: o.customer?.displayName ?? "there",
      firstName: o.customer?.firstName ?? null,
      createdAt: o.createdAt,
      cancelled: o.cancelledAt !== null,
      currency: o.totalPriceSet.shopMoney.currencyCode,
      totalCents: minorUnitsOf(o.totalPriceSet.shopMoney.amount, o.totalPriceSet.shopMoney.currencyCode),
      lines: o.lineItems.nodes.map((l) => ({
        gid: l.id,
        legacyId: l.id.split("/").pop() ?? l.id,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        unitCents: minorUnitsOf(l.originalUnitPriceSet.shopMoney.amount, l.originalUnitPriceSet.shopMoney.currencyCode),
      })),
    },
  };
}

const refundSchema = z.object({
  refundCreate: z
    .object({
      refund: z.object({ id: z.string(), totalRefundedSet: shopMoney }).nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string() })),
    })
    .nullable(),
});

/**
 * Refund `units` of one line without shipping them, and without restocking: the units never
 * existed, so they must not come back as `available` (a "cancel" restock would offer them
 * again, and in a sell-out a buyer takes them within the second — an oversell loop the
 * flash-sale harness caught). Shopify drops them from the line and from `committed`.
 */
export async function refundShortLine(
  admin: ShopifyAdmin,
  key: string,
  order: Pick<RecoveryOrder, "gid" | "currency">,
  lineGid: string,
  units: number,
  amountCents: number,
  note: string,
): Promise<AdminResult<{ refundId: string; refundedCents: number }>> {
  const input = {
    orderId: order.gid,
    note,
    notify: false,
    refundLineItems: [{ lineItemId: lineGid, quantity: units, restockType: "NO_RESTOCK" }],
    transactions: [{ orderId: order.gid, amount: decimalAmount(amountCents, order.currency), kind: "REFUND", gateway: "shopify_payments" }],
  };
  const result = await admin.request(RECOVERY_REFUND_MUTATION, { key, input }, refundSchema);
  if (result.kind !== "ok") return result;
  const payload = result.data.refundCreate;
  // Shopify refused it (user errors): a failure for good, not a retry.
  if (!payload?.refund) return failure((payload?.userErrors.map((e) => e.message) ?? ["no refund returned"]).join("; "));
  return {
    ...result,
    data: {
      refundId: payload.refund.id,
      refundedCents: minorUnitsOf(payload.refund.totalRefundedSet.shopMoney.amount, payload.refund.totalRefundedSet.shopMoney.currencyCode),
    },
  };
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
