import { stackPolicy } from "@/tests/support/test-policy";
import { describe, expect, it } from "vitest";
import { parseMarketplacePayload } from "@/lib/sources/marketplace";
import { PayloadError } from "@/lib/sources/payload-error";
import { parsePosPayload } from "@/lib/sources/pos";
import { parseProductWebhook } from "@/lib/sources/shopify-products";
import { marketplaceSource, posSource, shopifySource, wmsSource } from "@/lib/sources/webhook-sources";
import { parseWmsPayload } from "@/lib/sources/wms";

/** Field-level edges of the non-Shopify-order parsers (lib/sources), each result worked out by hand. */
const wms = (over: Record<string, unknown> = {}) => ({
  id: "evt-1",
  type: "receipt",
  sku: "S",
  locationId: "wh",
  quantity: 4,
  occurredAt: "2026-11-27T10:00:00Z",
  ...over,
});
const failure = (parse: () => unknown): { field: string; message: string } => {
  try {
    parse();
  } catch (error) {
    if (error instanceof PayloadError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error("parsed, but a PayloadError was expected");
};

describe("WMS quantity and order-reference rules", () => {
  it("each type's quantity rule, with its own message", () => {
    expect(failure(() => parseWmsPayload(wms({ type: "adjustment", quantity: 0 })))).toEqual({
      field: "quantity",
      message: "quantity: an adjustment must not be 0",
    });
    expect(failure(() => parseWmsPayload(wms({ type: "cycle_count", quantity: -1 })))).toEqual({
      field: "quantity",
      message: "quantity: a cycle count cannot be negative",
    });
    expect(failure(() => parseWmsPayload(wms({ type: "receipt", quantity: 0 })))).toEqual({
      field: "quantity",
      message: "quantity: a receipt needs a positive quantity",
    });
    expect(failure(() => parseWmsPayload(wms({ type: "pick", quantity: -2 })))).toEqual({
      field: "quantity",
      message: "quantity: a pick needs a positive quantity",
    });
    expect(parseWmsPayload(wms({ type: "cycle_count", quantity: 0 }))[0]).toMatchObject({ kind: "cycle_count", quantity: 0 });
    expect(parseWmsPayload(wms({ type: "adjustment", quantity: -3 }))[0]).toMatchObject({ kind: "adjustment", quantity: -3 });
    expect(parseWmsPayload(wms({ type: "receipt", quantity: 1 }))[0]).toMatchObject({ quantity: 1 });
    expect(failure(() => parseWmsPayload(wms({ type: "adjustment", quantity: 1_000_001 }))).field).toBe("quantity");
    expect(parseWmsPayload(wms({ type: "adjustment", quantity: -1_000_000 }))[0]).toMatchObject({ quantity: -1_000_000 });
  });

  it("orderId and lineId come together, blaming the missing one", () => {
    expect(failure(() => parseWmsPayload(wms({ type: "pick", orderId: "1001" })))).toEqual({
      field: "lineId",
      message: "lineId: orderId and lineId go together",
    });
    expect(failure(() => parseWmsPayload(wms({ type: "pick", lineId: "7" })))).toEqual({
      field: "orderId",
      message: "orderId: orderId and lineId go together",
    });
  });

  it("order references: no spaces, braces or |; the line id has no colon either; at most 100 chars", () => {
    for (const orderId of ["a b", "a{b", "a}b", "a|b", "", "x".repeat(101)])
      expect(failure(() => parseWmsPayload(wms({ type: "pick", orderId, lineId: "1" }))).field).toBe("orderId");
    for (const lineId of ["1:2", "1 2", "1|2", "{1}", "", "x".repeat(101)])
      expect(failure(() => parseWmsPayload(wms({ type: "pick", orderId: "9", lineId }))).field).toBe("lineId");
    expect(parseWmsPayload(wms({ type: "pick", orderId: "x".repeat(100), lineId: "y" }))[0]).toMatchObject({ lineKey: `${"x".repeat(100)}:y` });
    expect(parseWmsPayload(wms({ type: "pick", orderId: "x", lineId: "y".repeat(100) }))[0]).toMatchObject({ lineKey: `x:${"y".repeat(100)}` });
  });

  it("only picks and short picks carry the line key; the source URI escapes the id", () => {
    expect(parseWmsPayload(wms({ type: "receipt", orderId: "1", lineId: "2" }))[0]).not.toHaveProperty("lineKey");
    expect(parseWmsPayload(wms({ type: "pick" }))[0]).not.toHaveProperty("lineKey");
    expect(parseWmsPayload(wms({ id: "a/b#1" }))[0]).toMatchObject({ id: "wms:a/b#1", sourceUri: "wms://events/a%2Fb%231" });
  });

  it("a batch names the event by index; a single event by its field alone; a non-object is the body", () => {
    expect(failure(() => parseWmsPayload({ events: [wms(), wms({ quantity: 0 })] })).field).toBe("events.1.quantity");
    expect(failure(() => parseWmsPayload(wms({ sku: "" }))).field).toBe("sku");
    expect(failure(() => parseWmsPayload("nope")).field).toBe("(body)");
    expect(failure(() => parseWmsPayload(null)).field).toBe("(body)");
    expect(parseWmsPayload({ events: [wms({ id: "x1" }), wms({ id: "x2" })] }).map((e) => e.id)).toEqual(["wms:x1", "wms:x2"]);
  });
});

describe("PayloadError", () => {
  it("carries its field and a message that starts with it", () => {
    const error = new PayloadError("events.2.sku", "bad");
    expect([error.name, error.field, error.message, error instanceof Error]).toEqual(["PayloadError", "events.2.sku", "events.2.sku: bad", true]);
  });
});

describe("marketplace and POS lines", () => {
  const notification = (type: string, lines: unknown[]) => ({ id: "n-1", type, occurredAt: "2026-11-27T10:00:00Z", order: { id: "A-77", lines } });
  it("a reserve without a price has no value; its line value is price × quantity otherwise", () => {
    const [noPrice, priced] = parseMarketplacePayload(
      notification("order.created", [
        { id: "1", sku: "S", quantity: 2 },
        { id: "2", sku: "S", quantity: 3, priceCents: 150 },
      ]),
    );
    expect(noPrice).toEqual({
      id: "marketplace:reserve:A-77:1",
      kind: "reserve",
      sku: "S",
      occurredAt: "2026-11-27T10:00:00Z",
      source: "marketplace",
      sourceUri: "marketplace://orders/A-77",
      channel: "marketplace",
      lineKey: "marketplace:A-77:1",
      quantity: 2,
    });
    expect(priced).toMatchObject({ valueCents: 450 });
    expect(parseMarketplacePayload(notification("order.cancelled", [{ id: "1", sku: "S", quantity: 2 }]))).toEqual([
      {
        id: "marketplace:cancel:A-77:1",
        kind: "cancel_line",
        sku: "S",
        occurredAt: "2026-11-27T10:00:00Z",
        source: "marketplace",
        sourceUri: "marketplace://orders/A-77",
        channel: "marketplace",
        lineKey: "marketplace:A-77:1",
      },
    ]);
  });

  it("marketplace limits: 1-10,000 units, a line id without colon, 1-250 lines, a known type", () => {
    expect(failure(() => parseMarketplacePayload(notification("order.created", [{ id: "1", sku: "S", quantity: 10_001 }]))).field).toBe(
      "order.lines.0.quantity",
    );
    expect(parseMarketplacePayload(notification("order.created", [{ id: "1", sku: "S", quantity: 10_000 }]))[0]).toMatchObject({ quantity: 10_000 });
    expect(failure(() => parseMarketplacePayload(notification("order.created", [{ id: "1:2", sku: "S", quantity: 1 }]))).field).toBe("order.lines.0.id");
    expect(failure(() => parseMarketplacePayload(notification("order.created", []))).field).toBe("order.lines");
    expect(
      failure(() =>
        parseMarketplacePayload(
          notification(
            "order.created",
            Array.from({ length: 251 }, (_, i) => ({ id: `${i}`, sku: "S", quantity: 1 })),
          ),
        ),
      ).field,
    ).toBe("order.lines");
    expect(failure(() => parseMarketplacePayload(notification("order.updated", [{ id: "1", sku: "S", quantity: 1 }]))).field).toBe("type");
    expect(
      failure(() =>
        parseMarketplacePayload({
          ...notification("order.created", [{ id: "1", sku: "S", quantity: 1 }]),
          order: { id: "A 1", lines: [{ id: "1", sku: "S", quantity: 1 }] },
        }),
      ).field,
    ).toBe("order.id");
    expect(failure(() => parseMarketplacePayload(notification("order.created", [{ id: "1", sku: "S", quantity: 1, priceCents: -1 }]))).field).toBe(
      "order.lines.0.priceCents",
    );
  });

  it("POS: a completed line reserves at the store with its value; blame is per sale and line", () => {
    const batch = (sales: unknown[]) => ({ batchId: "B-1", locationId: "store-1", sales });
    const sale = (id: string, status: string, lines: unknown[]) => ({ id, occurredAt: "2026-11-27T09:00:00Z", status, lines });
    expect(parsePosPayload(batch([sale("S-1", "completed", [{ id: "1", sku: "S", quantity: 2, priceCents: 500 }])]))).toEqual([
      {
        id: "pos:reserve:S-1:1",
        kind: "reserve",
        sku: "S",
        occurredAt: "2026-11-27T09:00:00Z",
        source: "pos",
        sourceUri: "pos://sales/S-1",
        channel: "pos",
        lineKey: "pos:S-1:1",
        quantity: 2,
        locationId: "store-1",
        valueCents: 1000,
      },
    ]);
    expect(parsePosPayload(batch([sale("S-1", "completed", [{ id: "1", sku: "S", quantity: 2 }])]))[0]).not.toHaveProperty("valueCents");
    expect(
      failure(() =>
        parsePosPayload(
          batch([
            sale("S-1", "completed", [{ id: "1", sku: "S", quantity: 1 }]),
            sale("S-2", "completed", [
              { id: "1", sku: "S", quantity: 1 },
              { id: "2", sku: "S", quantity: 0 },
            ]),
          ]),
        ),
      ).field,
    ).toBe("sales.1.lines.1.quantity");
    expect(failure(() => parsePosPayload(batch([]))).field).toBe("sales");
    expect(failure(() => parsePosPayload(batch([sale("S-1", "refunded", [{ id: "1", sku: "S", quantity: 1 }])]))).field).toBe("sales.0.status");
    expect(failure(() => parsePosPayload(batch([sale("S:1", "completed", [{ id: "1", sku: "S", quantity: 1 }])]))).field).toBe("sales.0.id");
    expect(failure(() => parsePosPayload({ ...batch([sale("S-1", "completed", [{ id: "1", sku: "S", quantity: 1 }])]), locationId: "store 1" })).field).toBe(
      "locationId",
    );
    expect(failure(() => parsePosPayload(batch([sale("S-1", "completed", [{ id: "1", sku: "S", quantity: 10_001 }])]))).field).toBe("sales.0.lines.0.quantity");
  });
});

describe("Shopify product webhooks", () => {
  it("create/update name the product and handle; delete only the id; other topics are not ours", () => {
    expect(parseProductWebhook("products/update", { id: 632910392, handle: "ipod-nano" })).toEqual({
      topic: "products/update",
      productId: "632910392",
      handle: "ipod-nano",
    });
    expect(parseProductWebhook("products/create", { id: "7", handle: "h" })).toEqual({ topic: "products/create", productId: "7", handle: "h" });
    expect(parseProductWebhook("products/delete", { id: 7 })).toEqual({ topic: "products/delete", productId: "7", handle: null });
    expect(parseProductWebhook("orders/create", { id: 7 })).toBeNull();
    expect(failure(() => parseProductWebhook("products/update", { id: 7 })).field).toBe("handle");
    expect(failure(() => parseProductWebhook("products/update", { id: 7, handle: "" })).field).toBe("handle");
    expect(failure(() => parseProductWebhook("products/update", { id: 7, handle: "h".repeat(256) })).field).toBe("handle");
    expect(failure(() => parseProductWebhook("products/delete", {})).field).toBe("id");
  });
});

describe("webhook sources", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it("each source's secret, signature header and delivery id", () => {
    expect([wmsSource, shopifySource, marketplaceSource, posSource].map((s) => [s.source, s.secretEnv, s.signatureHeader])).toEqual([
      ["wms", "WMS_WEBHOOK_SECRET", "x-signature-sha256"],
      ["shopify", "SHOPIFY_WEBHOOK_SECRET", "x-shopify-hmac-sha256"],
      ["marketplace", "MARKETPLACE_WEBHOOK_SECRET", "x-signature-sha256"],
      ["pos", "POS_WEBHOOK_SECRET", "x-signature-sha256"],
    ]);
    // Per topic and delivery: the event id is shared by every topic of one merchant action.
    const t = { "x-shopify-topic": "refunds/create" };
    expect(shopifySource.deliveryId(h({ ...t, "x-shopify-event-id": "ev-1", "x-shopify-webhook-id": "wh-1" }))).toBe("refunds/create:wh-1");
    expect(shopifySource.deliveryId(h({ ...t, "x-shopify-event-id": "ev-1" }))).toBe("refunds/create:ev-1");
    expect(shopifySource.deliveryId(h({ "x-shopify-webhook-id": "wh-1" }))).toBeNull();
    expect(shopifySource.deliveryId(h({ ...t, "x-shopify-webhook-id": "w".repeat(201) }))).toBeNull();
    expect(shopifySource.deliveryId(h({}))).toBeNull();
    expect(marketplaceSource.deliveryId(h({ "idempotency-key": "k-1" }))).toBe("k-1");
    expect(wmsSource.deliveryId(h({ "idempotency-key": "k-1" }))).toBeNull();
    expect(posSource.deliveryId(h({ "idempotency-key": "k-1" }))).toBeNull();
  });

  const ctx = { policy: stackPolicy() };
  it("routes bodies to their parser; Shopify needs a topic and ignores topics it does not act on", () => {
    expect(wmsSource.parse(h({}), wms(), ctx)?.[0]).toMatchObject({ id: "wms:evt-1" });
    expect(
      marketplaceSource.parse(
        h({}),
        {
          id: "n",
          type: "order.created",
          occurredAt: "2026-11-27T10:00:00Z",
          order: { id: "A", lines: [{ id: "1", sku: "S", quantity: 1 }] },
        },
        ctx,
      )?.[0],
    ).toMatchObject({ id: "marketplace:reserve:A:1" });
    expect(
      posSource.parse(
        h({}),
        {
          batchId: "B",
          locationId: "st",
          sales: [{ id: "S", occurredAt: "2026-11-27T10:00:00Z", status: "voided", lines: [{ id: "1", sku: "S", quantity: 1 }] }],
        },
        ctx,
      )?.[0],
    ).toMatchObject({ id: "pos:cancel:S:1" });
    expect(failure(() => shopifySource.parse(h({}), {}, ctx))).toEqual({ field: "X-Shopify-Topic", message: "X-Shopify-Topic: header is required" });
    expect(shopifySource.parse(h({ "x-shopify-topic": "carts/update" }), {}, ctx)).toBeNull();
    expect(shopifySource.catalogChange?.(h({ "x-shopify-topic": "products/delete" }), { id: 5 })).toEqual({
      topic: "products/delete",
      productId: "5",
      handle: null,
    });
    expect(shopifySource.catalogChange?.(h({}), { id: 5 })).toBeNull();
  });
});
