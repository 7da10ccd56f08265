import { describe, expect, it } from "vitest";
import { currencyExponent, decimalAmount, decimalToMinorUnits, formatMoney, minorUnitsOf, parseMoneyInput } from "@/lib/money";

/** One money module: every conversion follows the currency's own minor-unit digits. */
describe("minorUnitsOf", () => {
  it("reads a decimal in the currency's minor units, without float error", () => {
    expect(minorUnitsOf("19.99", "USD")).toBe(1999);
    expect(minorUnitsOf("19.9", "USD")).toBe(1990);
    expect(minorUnitsOf("19", "USD")).toBe(1900);
    expect(minorUnitsOf(" 3.10 ", "USD")).toBe(310);
    expect(minorUnitsOf("0.10", "USD")).toBe(10);
    expect(minorUnitsOf("28.0", "USD")).toBe(2800); // Shopify's Decimal drops trailing zeros
  });

  it("keeps the sign", () => {
    expect(minorUnitsOf("-1.50", "USD")).toBe(-150);
    expect(minorUnitsOf(" -0.5", "USD")).toBe(-50);
  });

  it("does not truncate 3-decimal or 0-decimal currencies", () => {
    expect(minorUnitsOf("1.234", "KWD")).toBe(1234);
    expect(minorUnitsOf("1.5", "KWD")).toBe(1500);
    expect(minorUnitsOf("1200", "JPY")).toBe(1200);
    expect(minorUnitsOf("1.234", "USD")).toBe(123); // extra digits round half up
    expect(minorUnitsOf("1.235", "USD")).toBe(124);
  });

  it("refuses what is not a decimal, naming it", () => {
    expect(() => minorUnitsOf("", "USD")).toThrow('not a decimal amount: ""');
    expect(() => minorUnitsOf("1,50", "USD")).toThrow("not a decimal amount");
    expect(() => minorUnitsOf("1.", "USD")).toThrow("not a decimal amount");
    expect(() => minorUnitsOf("9007199254740992", "JPY")).toThrow("amount out of range");
  });
});

describe("decimalAmount", () => {
  it("writes the wire's decimal string with the currency's digits", () => {
    expect([decimalAmount(2800, "USD"), decimalAmount(5, "USD"), decimalAmount(-150, "USD")]).toEqual(["28.00", "0.05", "-1.50"]);
    expect([decimalAmount(2800, "JPY"), decimalAmount(1234, "KWD"), decimalAmount(7, "KWD")]).toEqual(["2800", "1.234", "0.007"]);
  });

  it("round-trips with minorUnitsOf", () => {
    for (const [minor, currency] of [
      [0, "USD"],
      [1, "USD"],
      [123456, "KWD"],
      [-99, "USD"],
      [31, "JPY"],
    ] as const) {
      expect(minorUnitsOf(decimalAmount(minor, currency), currency)).toBe(minor);
    }
  });
});

describe("parseMoneyInput", () => {
  it("accepts plain non-negative amounts with at most the currency's decimals", () => {
    expect([parseMoneyInput("12.5", "USD"), parseMoneyInput(12.5, "USD"), parseMoneyInput("12.50", "USD"), parseMoneyInput("1.234", "KWD")]).toEqual([
      1250, 1250, 1250, 1234,
    ]);
  });

  it("rejects, never rounds, what Shopify would reject", () => {
    expect([parseMoneyInput("1.234", "USD"), parseMoneyInput("1.5", "JPY"), parseMoneyInput("-1", "USD"), parseMoneyInput("abc", "USD")]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(parseMoneyInput("1.500", "JPY")).toBe(null);
    expect(parseMoneyInput("1.000", "JPY")).toBe(1);
  });
});

describe("formatMoney", () => {
  it("formats for people by the currency's digits", () => {
    expect(formatMoney(2800, "USD")).toBe("$28.00");
    expect(formatMoney(2800, "JPY")).toBe("¥2,800");
    expect(formatMoney(1234, "KWD")).toBe("KWD\u00a01.234"); // ICU puts a no-break space after a code;
  });
});

describe("decimalToMinorUnits and currencyExponent", () => {
  it("multiply exactly and know the ICU digits", () => {
    expect(decimalToMinorUnits("0.10", 2, 3)).toBe(30);
    expect([currencyExponent("USD"), currencyExponent("JPY"), currencyExponent("KWD"), currencyExponent("usd!")]).toEqual([2, 0, 3, 2]);
  });
});
