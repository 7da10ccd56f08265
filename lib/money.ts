/**
 * Money, in one place. Amounts live as integer minor units of a currency (cents, yen, fils);
 * decimals appear only at the wire ("19.99" in Shopify payloads) and in text for people.
 * The number of minor-unit digits comes from the currency (USD 2, JPY 0, KWD 3), never from
 * a hard-coded 100. Pure: no I/O, safe in every runtime.
 */

const exponents = new Map<string, number>();

/** Minor-unit digits from ICU: USD 2, JPY 0, KWD 3; 2 for a code ICU does not know. */
export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    try {
      exponent = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      exponent = 2;
    }
    exponents.set(currency, exponent);
  }
  return exponent;
}

/** "19.99" × 3 at exponent 2 → 5997, in integer math. Digits beyond the exponent round half up; undefined past 2^53. */
export function decimalToMinorUnits(amount: string, exponent: number, quantity = 1): number | undefined {
  const [whole = "0", fraction = ""] = amount.split(".");
  const scaled = BigInt(whole + fraction) * BigInt(quantity); // value × 10^fraction.length
  const shift = exponent - fraction.length;
  let minor: bigint;
  if (shift >= 0) minor = scaled * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    minor = (scaled + divisor / 2n) / divisor;
  }
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : undefined;
}

/** A decimal amount in `currency` ("1.234" KWD → 1234, "1200" JPY → 1200); throws on what is not a decimal number. */
export function minorUnitsOf(amount: string, currency: string): number {
  const text = amount.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const negative = text.startsWith("-");
  const minor = decimalToMinorUnits(negative ? text.slice(1) : text, currencyExponent(currency));
  if (minor === undefined) throw new Error(`amount out of range: ${amount}`);
  return negative ? -minor : minor;
}

/**
 * A strict money input ("12.5", 12.5) → minor units; null when it is not a plain non-negative
 * amount or has more decimals than the currency has (Shopify rejects those, not rounds them).
 */
export function parseMoneyInput(value: string | number, currency: string): number | null {
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const exponent = currencyExponent(currency);
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) return null;
  const minor = Number(`${match[1]}${fraction.padEnd(exponent, "0")}`);
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units → the wire's decimal string: 2800 USD → "28.00", 2800 JPY → "2800", 1234 KWD → "1.234". */
export function decimalAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, "0");
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Minor units → text for people ("$28.00", "¥2,800", "KWD 1.234"). */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minor / 10 ** exponent);
}
