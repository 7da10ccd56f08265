import { describe, expect, it } from "vitest";
import { parseMarketplacePayload } from "@/lib/sources/marketplace";
import { PayloadError } from "@/lib/sources/payload-error";
import { parsePosPayload } from "@/lib/sources/pos";
import { parseShopifyWebhook } from "@/lib/sources/shopify";

/** Cases that killed the parser mutants the first edge tests left alive; values by hand. */
const failure = (parse: () => unknown): { field: string; message: string } => {
  try {
    parse();
  } catch (error) {
    if (error instanceof PayloadError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error("parsed, but a PayloadError was expected");
};

describe("the normalized event's limits, blamed on the source line", () => {
  // Ids each within their own 100-char limit can still add up past the 200-char effect id.
  const long = "x".repeat(100);
  it("marketplace", () => {
    const body = { id: "n-1", type: "order.created", occurredAt: "2026-11-27T10:00:00Z", order: { id: long, lines: [{ id: long, sku: "S", quantity: 1 }] } };
    expect(failure(() => parseMarketplacePayload(body)).field).toBe("order.lines.0.id");
  });
  it("POS", () => {
    const body = {
      batchId: "B",
      locationId: "st",
      sales: [
        { id: "S-1", occurredAt: "2026-11-27T10:00:00Z", status: "completed", lines: [{ id: "1", sku: "S", quantity: 1 }] },
        {
          id: long,
          occurredAt: "2026-11-27T10:00:00Z",
          status: "completed",
          lines: [
            { id: "1", sku: "S", quantity: 1 },
            { id: long, sku: "S", quantity: 1 },
          ],
        },
      ],
    };
    expect(failure(() => parsePosPayload(body)).field).toBe("sales.1.lines.1.id");
  });
});

describe("leftovers", () => {
  it("a missing SKU (not just null) is not a stock line anywhere", () => {
    const noSku = { id: 11, quantity: 2 };
    expect(parseShopifyWebhook("orders/create", { id: 1, created_at: "2026-11-27T08:00:00Z", currency: "USD", line_items: [noSku] })).toEqual([]);
    expect(
      parseShopifyWebhook("orders/cancelled", { id: 1, created_at: "2026-11-27T08:00:00Z", cancelled_at: "2026-11-27T09:00:00Z", line_items: [noSku] }),
    ).toEqual([]);
    expect(
      parseShopifyWebhook("refunds/create", {
        id: 5,
        order_id: 1,
        created_at: "2026-11-27T08:00:00Z",
        refund_line_items: [{ id: 7, line_item_id: 11, quantity: 1, restock_type: "cancel", line_item: {} }],
      }),
    ).toEqual([]);
  });

  it("a line without a price has no value, even in a known currency", () => {
    expect(
      parseShopifyWebhook("orders/create", { id: 1, created_at: "2026-11-27T08:00:00Z", currency: "USD", line_items: [{ id: 11, sku: "S", quantity: 2 }] })[0],
    ).not.toHaveProperty("valueCents");
  });

  it("a cancel restock without its line item says why", () => {
    expect(
      failure(() =>
        parseShopifyWebhook("refunds/create", {
          id: 5,
          order_id: 1,
          created_at: "2026-11-27T08:00:00Z",
          refund_line_items: [{ id: 7, line_item_id: 11, quantity: 1, restock_type: "cancel" }],
        }),
      ),
    ).toEqual({
      field: "refund_line_items.0.line_item",
      message: "refund_line_items.0.line_item: a cancel restock needs the nested line_item (for its sku)",
    });
  });
});
