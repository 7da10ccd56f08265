import { decimalAmount, parseMoneyInput } from "../../lib/money";

/** Money and time in the formats Shopify's payloads use. */

/** Minor units → "28.00" (USD), "2800" (JPY): the REST webhook decimal string (lib/money.ts). */
export { decimalAmount };

/** Storefront `Decimal` drops trailing zeros but keeps one ("28.0", "19.99"). */
export function storefrontDecimal(minor: number, currency: string): string {
  const text = decimalAmount(minor, currency);
  if (!text.includes(".")) return `${text}.0`;
  return text.replace(/0+$/, "").replace(/\.$/, ".0");
}

export interface MoneySet {
  shop_money: { amount: string; currency_code: string };
  presentment_money: { amount: string; currency_code: string };
}

export const moneySet = (minor: number, currency: string): MoneySet => {
  const amount = decimalAmount(minor, currency);
  return { shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } };
};

/** The demo shop's time zone: a fixed UTC-05:00, so payloads carry an offset like real shops'. */
const SHOP_OFFSET_MINUTES = -5 * 60;

/** `2026-11-27T08:14:03-05:00` (webhook timestamps carry the shop's offset). */
export function shopTimestamp(ms: number): string {
  const local = new Date(ms + SHOP_OFFSET_MINUTES * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(SHOP_OFFSET_MINUTES);
  const offset = `${SHOP_OFFSET_MINUTES < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${local}${offset}`;
}

/** GraphQL `DateTime`: UTC without milliseconds, as Shopify returns it. */
export const graphqlDateTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Admin `MoneyV2` / `MoneyBag` (one currency: presentment = shop). `Decimal` reads like "28.0", as Shopify serialises it. */
export const moneyV2 = (minor: number, currency: string) => ({ __typename: "MoneyV2", amount: storefrontDecimal(minor, currency), currencyCode: currency });
export const moneyBag = (minor: number, currency: string) => ({
  __typename: "MoneyBag",
  shopMoney: moneyV2(minor, currency),
  presentmentMoney: moneyV2(minor, currency),
});

/** A `Money`/`Decimal` input ("12.5", 12.5) → minor units; null when Shopify would reject it (lib/money.ts). */
export const minorUnits = parseMoneyInput;
