import { describe, expect, it } from "vitest";
import { PayloadError } from "@/lib/sources/payload-error";
import { currencyExponent, decimalToMinorUnits } from "@/lib/money";
import { DEFAULT_PARSE_OPTIONS, parseShopifyWebhook, shopifyIdSchema, shopifyParseOptions } from "@/lib/sources/shopify";
import { stackPolicy } from "@/tests/support/test-policy";
import type { RejectedLine } from "@/lib/sources/payload-error";

/** Edges of the Shopify order/refund parser (lib/sources/shopify.ts); each expected value by hand from its comments. */
const fieldOf = (parse: () => unknown): string => {
  try {
    parse();
  } catch (error) {
    if (error instanceof PayloadError) return error.field;
    throw error;
  }
  throw new Error("parsed, but a PayloadError was expected");
};
const item = (o: Record<string, unknown> = {}) => ({ id: 11, sku: "S", quantity: 2, ...o });
const order = (o: Record<string, unknown> = {}) => ({ id: 1001, created_at: "2026-11-27T08:14:03-06:00", line_items: [item()], ...o });
const refundItem = (o: Record<string, unknown> = {}) => ({ id: 71, line_item_id: 11, quantity: 1, restock_type: "cancel", line_item: { sku: "S" }, ...o });
const refund = (items: unknown[]) => ({ id: 501, order_id: 1001, created_at: "2026-11-28T10:00:00Z", refund_line_items: items });
const message = (value: unknown) => {
  const r = shopifyIdSchema.safeParse(value);
  return r.success ? r.data : r.error.issues[0]?.message;
};

describe("money", () => {
  it("decimal × quantity to minor units, rounding half up past the exponent", () => {
    expect(decimalToMinorUnits("19.99", 2, 3)).toBe(5997);
    expect(decimalToMinorUnits("19.99", 2)).toBe(1999);
    expect(decimalToMinorUnits("20", 0)).toBe(20);
    expect(decimalToMinorUnits("20", 2)).toBe(2000);
    expect(decimalToMinorUnits("1.5", 3)).toBe(1500);
    expect(decimalToMinorUnits("1.005", 2)).toBe(101);
    expect(decimalToMinorUnits("1.004", 2)).toBe(100);
    expect(decimalToMinorUnits("0.5", 0)).toBe(1);
    expect(decimalToMinorUnits("0.49", 0)).toBe(0);
    expect(decimalToMinorUnits("1.2345", 3)).toBe(1235);
    expect(decimalToMinorUnits("9007199254740991", 0)).toBe(9007199254740991);
    expect(decimalToMinorUnits("9007199254740992", 0)).toBeUndefined();
  });

  it("minor-unit digits per currency, 2 for a code that is not one", () => {
    expect([currencyExponent("USD"), currencyExponent("JPY"), currencyExponent("KWD"), currencyExponent("usd!"), currencyExponent("usd!")]).toEqual([
      2, 0, 3, 2, 2,
    ]);
  });
});

describe("Shopify ids", () => {
  it("positive safe integers and 1-20 digit strings without leading zero; anything else is named", () => {
    expect([message(1), message(9007199254740991), message("7"), message("12345678901234567890")]).toEqual([
      "1",
      "9007199254740991",
      "7",
      "12345678901234567890",
    ]);
    for (const v of [0, -1, 1.5, "0", "01", "123456789012345678901", "12a", ""]) expect(message(v), String(v)).toBe("expected a positive integer id");
    expect(message(9007199254740992)).toBe("id is beyond 2^53 and lost precision in JSON parsing");
    expect(message(null)).toBe("expected a Shopify id (positive integer), received null");
    expect(message(true)).toBe("expected a Shopify id (positive integer), received boolean");
  });
});

describe("orders/create", () => {
  it("one reserve per stock line, in UTC, at the order's location, valued in shop money", () => {
    const events = parseShopifyWebhook(
      "orders/create",
      order({
        location_id: 71001,
        currency: "USD",
        line_items: [item({ price: "9.99", price_set: { shop_money: { amount: "12.50", currency_code: "EUR" } } })],
      }),
      // The stack's policy maps gid://shopify/Location/71001 to wh-east.
      shopifyParseOptions(stackPolicy()),
    );
    expect(events).toEqual([
      {
        id: "shopify:reserve:1001:11",
        kind: "reserve",
        sku: "S",
        occurredAt: "2026-11-27T14:14:03.000Z",
        source: "shopify",
        sourceUri: "shopify://orders/1001",
        channel: "shopify",
        lineKey: "shopify:1001:11",
        quantity: 2,
        locationId: "wh-east",
        valueCents: 2500,
      },
    ]);
  });

  it("the line price in the order currency when there is no shop money; no value without a currency", () => {
    expect(parseShopifyWebhook("orders/create", order({ currency: "JPY", line_items: [item({ price: "1200" })] }))[0]).toMatchObject({ valueCents: 2400 });
    const [noCurrency] = parseShopifyWebhook("orders/create", order({ line_items: [item({ price: "5.00" })] }));
    expect(noCurrency).not.toHaveProperty("valueCents");
    expect(noCurrency).not.toHaveProperty("locationId");
  });

  it("skips gift cards, untracked variants, zero quantities and blank SKUs; keeps lines whose tracking is not sent", () => {
    const lines = [
      item({ id: 1, gift_card: true }),
      item({ id: 2, variant_inventory_management: null }),
      item({ id: 3, quantity: 0 }),
      item({ id: 4, sku: "  " }),
      item({ id: 5, sku: null }),
      item({ id: 6, gift_card: false, variant_inventory_management: "shopify" }),
      item({ id: 7 }),
    ];
    expect(parseShopifyWebhook("orders/create", order({ line_items: lines })).map((e) => e.id)).toEqual(["shopify:reserve:1001:6", "shopify:reserve:1001:7"]);
  });

  it("a SKU longer than Shopify allows skips only its line, recorded as rejected; other bad fields reject the payload", () => {
    const rejected: RejectedLine[] = [];
    const events = parseShopifyWebhook(
      "orders/create",
      order({ line_items: [item(), item({ id: 12, sku: "X".repeat(256) }), item({ id: 13, sku: "A{B} |é" })] }),
      DEFAULT_PARSE_OPTIONS,
      rejected,
    );
    expect(events.map((e) => e.sku)).toEqual(["S", "A{B} |é"]);
    expect(rejected).toEqual([{ field: "line_items.1.sku", error: "line_items.1.sku: sku is longer than 255 characters" }]);
    expect(fieldOf(() => parseShopifyWebhook("orders/create", order({ line_items: [item({ quantity: -1 })] })))).toBe("line_items.0.quantity");
    expect(fieldOf(() => parseShopifyWebhook("orders/create", order({ created_at: "yesterday" })))).toBe("created_at");
    expect(fieldOf(() => parseShopifyWebhook("orders/create", order({ currency: "usd" })))).toBe("currency");
    expect(fieldOf(() => parseShopifyWebhook("orders/create", order({ line_items: [item({ price: "-1.00" })] })))).toBe("line_items.0.price");
    expect(fieldOf(() => parseShopifyWebhook("orders/create", order({ line_items: [item({ price: "1.00.0" })] })))).toBe("line_items.0.price");
  });

  it("accepts numeric prices and a ten-digit fraction", () => {
    expect(parseShopifyWebhook("orders/create", order({ currency: "USD", line_items: [item({ price: 3 })] }))[0]).toMatchObject({ valueCents: 600 });
    expect(parseShopifyWebhook("orders/create", order({ currency: "USD", line_items: [item({ price: "0.0000000001" })] }))[0]).toMatchObject({ valueCents: 0 });
  });
});

describe("orders/cancelled", () => {
  it("a cancel per line that could hold stock; gift cards and unusable SKUs are skipped, not fatal", () => {
    const lines = [
      item({ id: 1 }),
      item({ id: 2, gift_card: true }),
      item({ id: 3, sku: "X".repeat(256) }),
      item({ id: 4, sku: "" }),
      item({ id: 5, variant_inventory_management: null }),
    ];
    expect(parseShopifyWebhook("orders/cancelled", order({ cancelled_at: "2026-11-27T09:00:00+01:00", line_items: lines }))).toEqual([
      {
        id: "shopify:cancel:1001:1",
        kind: "cancel_line",
        sku: "S",
        occurredAt: "2026-11-27T08:00:00.000Z",
        source: "shopify",
        sourceUri: "shopify://orders/1001",
        channel: "shopify",
        lineKey: "shopify:1001:1",
        restocked: false,
      },
      {
        id: "shopify:cancel:1001:5",
        kind: "cancel_line",
        sku: "S",
        occurredAt: "2026-11-27T08:00:00.000Z",
        source: "shopify",
        sourceUri: "shopify://orders/1001",
        channel: "shopify",
        lineKey: "shopify:1001:5",
        restocked: false,
      },
    ]);
    expect(fieldOf(() => parseShopifyWebhook("orders/cancelled", order()))).toBe("cancelled_at");
  });
});

describe("refunds/create", () => {
  it("cancel restocks release; unshipped no-restock releases without restock; returns restock at Shopify; shipped no-restock and empty lines do nothing", () => {
    const items = [
      refundItem({ id: 1 }),
      refundItem({ id: 2, restock_type: "no_restock", line_item: { sku: "S", fulfillment_status: null } }),
      refundItem({ id: 3, restock_type: "no_restock", line_item: { sku: "S", fulfillment_status: "fulfilled" } }),
      refundItem({ id: 4, restock_type: "no_restock", line_item: null }),
      refundItem({ id: 5, restock_type: "return" }),
      refundItem({ id: 6, quantity: 0 }),
      refundItem({ id: 7, line_item: { sku: "S", gift_card: true } }),
      refundItem({ id: 8, line_item: { sku: "X".repeat(256) } }),
      refundItem({ id: 9, restock_type: "legacy_restock" }),
      refundItem({ id: 10, restock_type: null }),
      refundItem({ id: 12, restock_type: "no_restock", line_item: { sku: "S", fulfillment_status: "partial" } }),
    ];
    const events = parseShopifyWebhook("refunds/create", refund(items));
    // 12: a partial line whose fulfillable_quantity is not sent releases nothing (the unit may have shipped).
    expect(events.map((e) => [e.id, e.kind])).toEqual([
      ["shopify:refund:501:1", "release"],
      ["shopify:refund:501:2", "release"],
      ["shopify:refund:501:5", "channel_restock"],
      ["shopify:refund:501:9", "channel_restock"],
    ]);
    expect(events[0]).toEqual({
      id: "shopify:refund:501:1",
      kind: "release",
      sku: "S",
      occurredAt: "2026-11-28T10:00:00.000Z",
      source: "shopify",
      sourceUri: "shopify://orders/1001",
      channel: "shopify",
      lineKey: "shopify:1001:11",
      quantity: 1,
    });
    expect(events[1]).toMatchObject({ restocked: false, lineKey: "shopify:1001:11" });
  });

  it("a cancel restock without its nested line item is refused, naming it", () => {
    expect(fieldOf(() => parseShopifyWebhook("refunds/create", refund([refundItem({ line_item: undefined })])))).toBe("refund_line_items.0.line_item");
    expect(parseShopifyWebhook("refunds/create", refund([refundItem({ restock_type: "return", line_item: undefined })]))).toEqual([]);
  });
});
