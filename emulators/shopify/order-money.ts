import { z } from "zod";
import { currencyExponent } from "../../lib/money";

/**
 * How one order was paid and priced, as Shopify keeps it: the payment gateway and whether the
 * payment was captured at checkout (SALE) or only authorized (manual capture, AUTHORIZATION), the
 * buyer's presentment currency (Markets) with the rate at checkout, a line-level discount and an
 * exclusive tax. Every amount exists twice, in shop and presentment currency, each side computed
 * from its own unit price so each is internally consistent (what a `MoneyBag` carries).
 *
 * Gateways: https://shopify.dev/docs/api/admin-graphql/latest/objects/OrderTransaction (`gateway`,
 * `formattedGateway`, `manualPaymentGateway`); kinds: `OrderTransactionKind` — "REFUND: … A
 * refund can happen only after a capture is processed" [2026-10 schema].
 */
export const GATEWAYS = {
  shopify_payments: "Shopify Payments",
  paypal: "PayPal Express Checkout",
  manual: "Manual",
  gift_card: "Gift card",
} as const;
export type Gateway = keyof typeof GATEWAYS;

export const paymentBodySchema = z.object({
  gateway: z.enum(Object.keys(GATEWAYS) as [Gateway, ...Gateway[]]).default("shopify_payments"),
  /** "manual": only authorized at checkout, captured later (flash sales often do this). */
  capture: z.enum(["automatic", "manual"]).default("automatic"),
  presentmentCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /** Presentment major units per shop major unit. */
  rate: z.number().positive().max(100_000).default(1),
  /** Exclusive tax on every discounted line (0.08 = 8 %). */
  taxRate: z.number().min(0).max(1).default(0),
  /** Percent off every line, allocated to the line (a line discount). */
  lineDiscountPercent: z.number().min(0).max(100).default(0),
});

export interface OrderPayment {
  shopCurrency: string;
  gateway: Gateway;
  kind: "SALE" | "AUTHORIZATION";
  presentmentCurrency: string;
  rate: number;
  taxRate: number;
  lineDiscountPercent: number;
}

export const defaultPayment = (shopCurrency: string): OrderPayment => ({
  shopCurrency,
  gateway: "shopify_payments",
  kind: "SALE",
  presentmentCurrency: shopCurrency,
  rate: 1,
  taxRate: 0,
  lineDiscountPercent: 0,
});

export function orderPaymentFrom(body: z.infer<typeof paymentBodySchema> | undefined, shopCurrency: string): OrderPayment {
  if (!body) return defaultPayment(shopCurrency);
  const presentmentCurrency = body.presentmentCurrency ?? shopCurrency;
  return {
    shopCurrency,
    gateway: body.gateway,
    kind: body.capture === "manual" ? "AUTHORIZATION" : "SALE",
    presentmentCurrency,
    rate: presentmentCurrency === shopCurrency ? 1 : body.rate,
    taxRate: body.taxRate,
    lineDiscountPercent: body.lineDiscountPercent,
  };
}

export type Side = "shop" | "presentment";

/** A shop-currency amount in the buyer's currency at the order's rate, rounded to that currency's minor unit. */
export function toPresentment(payment: OrderPayment, shopMinor: number): number {
  if (payment.presentmentCurrency === payment.shopCurrency) return shopMinor;
  const major = shopMinor / 10 ** currencyExponent(payment.shopCurrency);
  return Math.round(major * payment.rate * 10 ** currencyExponent(payment.presentmentCurrency));
}

/** The other way, for refund amounts given in presentment currency. */
export function toShop(payment: OrderPayment, presentmentMinor: number): number {
  if (payment.presentmentCurrency === payment.shopCurrency) return presentmentMinor;
  const major = presentmentMinor / 10 ** currencyExponent(payment.presentmentCurrency);
  return Math.round((major / payment.rate) * 10 ** currencyExponent(payment.shopCurrency));
}

/** One unit of a line on one side: list price, its discount, the tax on what is left. */
export interface UnitAmounts {
  price: number;
  discount: number;
  tax: number;
  /** What the buyer paid for the unit: price − discount + tax. */
  paid: number;
}

export function unitAmounts(payment: OrderPayment, priceCents: number, side: Side): UnitAmounts {
  const price = side === "shop" ? priceCents : toPresentment(payment, priceCents);
  const discount = Math.round((price * payment.lineDiscountPercent) / 100);
  const tax = Math.round((price - discount) * payment.taxRate);
  return { price, discount, tax, paid: price - discount + tax };
}

export const currencyOf = (payment: OrderPayment, side: Side): string => (side === "shop" ? payment.shopCurrency : payment.presentmentCurrency);
