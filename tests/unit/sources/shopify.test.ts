import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stockEventSchema, type StockEvent } from "@/lib/domain/events";
import { PayloadError } from "@/lib/sources/payload-error";
import { currencyExponent, decimalToMinorUnits } from "@/lib/money";
import { parseShopifyWebhook, shopifyParseOptions, type ShopifyTopic } from "@/lib/sources/shopify";
import { shopifySource } from "@/lib/sources/webhook-sources";
import { stackPolicy } from "@/tests/support/test-policy";

/** Fixtures are full Shopify 2026-10 bodies; tests get a fresh deep copy to mutate. */
type Json = Record<string, unknown>;
type JsonLine = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../fixtures/shopify", name), "utf8")) as Json;
const lines = (body: Json): JsonLine[] => body.line_items as JsonLine[];
const refundLines = (body: Json): JsonLine[] => body.refund_line_items as JsonLine[];

const ORDER = "6524199518253";

/** The stack's policy plus the fixtures' Shopify locations: the POS store (79581265965) and the warehouse (79581233197). */
const policy = (() => {
  const base = stackPolicy();
  return {
    ...base,
    locations: {
      ...base.locations,
      "wh-east": { ...base.locations["wh-east"]!, shopifyLocationId: "gid://shopify/Location/79581233197" },
      "store-austin": { name: "Austin store", pickup: true, shopifyLocationId: "gid://shopify/Location/79581265965" },
    },
  };
})();
const options = shopifyParseOptions(policy);
const TEE = "16138219012141";
const HOODIE = "16138219044909";
const MUG = "16138219077677";

/** The PayloadError a parse throws (fails the test when it does not throw one). */
function payloadError(topic: ShopifyTopic, body: unknown): PayloadError {
  try {
    parseShopifyWebhook(topic, body);
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error("expected a PayloadError");
}

describe("orders/create", () => {
  it("reserves every tracked SKU line of Shopify's order payload, keyed by order and line", () => {
    const events = parseShopifyWebhook("orders/create", fixture("orders-create.json"));
    expect(events).toEqual([
      {
        id: `shopify:reserve:${ORDER}:${TEE}`,
        kind: "reserve",
        sku: "TEE-BLK-M",
        occurredAt: "2026-11-27T14:14:03.000Z",
        source: "shopify",
        sourceUri: `shopify://orders/${ORDER}`,
        channel: "shopify",
        lineKey: `shopify:${ORDER}:${TEE}`,
        quantity: 3,
        valueCents: 5997,
      },
      expect.objectContaining({ id: `shopify:reserve:${ORDER}:${HOODIE}`, sku: "HOOD-GRY-L", quantity: 1, valueCents: 5400 }),
      expect.objectContaining({ id: `shopify:reserve:${ORDER}:${MUG}`, sku: "MUG-WHT-12OZ", quantity: 2, valueCents: 2500 }),
    ]);
    for (const event of events) expect(stockEventSchema.parse(event)).toEqual(event);
  });

  it("an online order names no location; a POS counter sale reserves at our location for Shopify's location_id and is picked at once", () => {
    const online = parseShopifyWebhook("orders/create", fixture("orders-create.json"), options);
    expect(online.every((e) => !("locationId" in e))).toBe(true);
    const pos = parseShopifyWebhook("orders/create", fixture("orders-create-pos-gift-card-no-sku.json"), options);
    const lineKey = "shopify:6524311814445:16140551258413";
    expect(pos).toEqual([
      expect.objectContaining({ kind: "reserve", sku: "TEE-BLK-M", locationId: "store-austin", lineKey, quantity: 1 }),
      expect.objectContaining({ id: "shopify:counter-sale:6524311814445:16140551258413", kind: "pick", locationId: "store-austin", lineKey, quantity: 1 }),
    ]);
    for (const event of pos) expect(stockEventSchema.parse(event)).toEqual(event);
  });

  it("a POS line still to ship is only reserved; a POS order at a location the policy does not map is treated like an online order", () => {
    const body = fixture("orders-create-pos-gift-card-no-sku.json");
    const tee = lines(body)[0];
    if (tee) Object.assign(tee, { fulfillable_quantity: 1, fulfillment_status: null });
    expect(parseShopifyWebhook("orders/create", body, options).map((e) => [e.kind, "locationId" in e ? e.locationId : null])).toEqual([
      ["reserve", "store-austin"],
    ]);
    const unknown = parseShopifyWebhook("orders/create", fixture("orders-create-pos-gift-card-no-sku.json"), shopifyParseOptions(stackPolicy()));
    expect(unknown).toEqual([expect.objectContaining({ kind: "reserve", sku: "TEE-BLK-M" })]);
    expect(unknown.every((e) => !("locationId" in e))).toBe(true);
  });

  it("an app-created order (inventory bypass by default) and a selling-plan line are reserved as not committed at sale", () => {
    expect(parseShopifyWebhook("orders/create", fixture("orders-create.json"), options).every((e) => !("committed" in e))).toBe(true);
    const app = { ...fixture("orders-create.json"), source_name: "marketplace-connector" };
    expect(parseShopifyWebhook("orders/create", app, options).map((e) => ("committed" in e ? e.committed : undefined))).toEqual([false, false, false]);
    const plan = fixture("orders-create.json");
    const tee = lines(plan)[0];
    if (tee) tee.selling_plan_id = 987654321;
    expect(parseShopifyWebhook("orders/create", plan, options).map((e) => ("committed" in e ? e.committed : undefined))).toEqual([false, undefined, undefined]);
  });

  it("test orders are ignored by default and reserved when the policy says so", () => {
    const test = { ...fixture("orders-create.json"), test: true };
    expect(parseShopifyWebhook("orders/create", test, options)).toEqual([]);
    expect(parseShopifyWebhook("orders/cancelled", { ...fixture("orders-cancelled.json"), test: true }, options)).toEqual([]);
    expect(parseShopifyWebhook("orders/create", test, { ...options, testOrders: "reserve" })).toHaveLength(3);
  });

  it("skips the gift card, the custom line without SKU, the blank-SKU line and the untracked variant", () => {
    const body = fixture("orders-create-pos-gift-card-no-sku.json");
    // The fixture really holds those lines, so the single reserve above is the filter at work.
    expect(lines(body).map((l) => [l.sku, l.gift_card, l.variant_inventory_management])).toEqual([
      ["TEE-BLK-M", false, "shopify"],
      ["GIFT-25", true, null],
      [null, false, null],
      ["", false, "shopify"],
      ["STICKER-PACK-5", false, null],
    ]);
    // The gift card flag alone is enough, even on a tracked variant.
    const giftCard = lines(body)[1];
    if (giftCard) giftCard.variant_inventory_management = "shopify";
    expect(parseShopifyWebhook("orders/create", body).map((e) => e.sku)).toEqual(["TEE-BLK-M"]);
  });

  it("reserves a line whose tracking field was filtered out of the payload", () => {
    const body = fixture("orders-create-pos-gift-card-no-sku.json");
    const sticker = lines(body)[4];
    if (sticker) delete sticker.variant_inventory_management;
    expect(parseShopifyWebhook("orders/create", body).map((e) => e.sku)).toEqual(["TEE-BLK-M", "STICKER-PACK-5"]);
  });

  it("reserves the ordered quantity, not the net current_quantity (removals arrive as releases)", () => {
    const body = fixture("orders-create.json");
    const tee = lines(body)[0];
    if (tee) Object.assign(tee, { current_quantity: 1, fulfillable_quantity: 0 });
    expect(parseShopifyWebhook("orders/create", body)[0]).toMatchObject({ sku: "TEE-BLK-M", quantity: 3 });
  });

  it("values lines in shop-currency minor units with exact decimal math", () => {
    expect(decimalToMinorUnits("19.99", 2, 3)).toBe(5997);
    expect(decimalToMinorUnits("0.10", 2, 3)).toBe(30); // 0.1 * 3 * 100 is 30.000000000000004 in floats
    expect(decimalToMinorUnits("1.005", 2, 1)).toBe(101); // extra digits round half up
    expect(decimalToMinorUnits("20", 0, 2)).toBe(40);
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);

    const yen = fixture("orders-create.json");
    yen.currency = "JPY";
    const tee = lines(yen)[0];
    if (tee)
      Object.assign(tee, {
        price: "1500",
        price_set: { shop_money: { amount: "1500", currency_code: "JPY" }, presentment_money: { amount: "9.99", currency_code: "USD" } },
      });
    expect(parseShopifyWebhook("orders/create", yen)[0]).toMatchObject({ valueCents: 4500 });
  });

  it("falls back to price in the order currency, and omits the value when there is none", () => {
    const body = fixture("orders-create.json");
    const [tee, hoodie] = lines(body);
    if (tee) delete tee.price_set;
    if (hoodie) Object.assign(hoodie, { price: null, price_set: null });
    const [teeEvent, hoodieEvent] = parseShopifyWebhook("orders/create", body);
    expect(teeEvent).toMatchObject({ valueCents: 5997 });
    expect(hoodieEvent).toBeDefined();
    expect(hoodieEvent && "valueCents" in hoodieEvent).toBe(false);
  });
});

describe("orders/cancelled", () => {
  it("cancels every SKU line of the order at cancelled_at, on the same line keys the reserves used", () => {
    const cancels = parseShopifyWebhook("orders/cancelled", fixture("orders-cancelled.json")).filter((e) => e.kind === "cancel_line");
    expect(cancels[0]).toEqual({
      id: `shopify:cancel:${ORDER}:${TEE}`,
      kind: "cancel_line",
      sku: "TEE-BLK-M",
      occurredAt: "2026-11-27T18:45:09.000Z",
      source: "shopify",
      sourceUri: `shopify://orders/${ORDER}`,
      channel: "shopify",
      lineKey: `shopify:${ORDER}:${TEE}`,
      restocked: false,
    });
    const reserves = parseShopifyWebhook("orders/create", fixture("orders-create.json"));
    expect(cancels.map((e) => [e.kind, "lineKey" in e ? e.lineKey : null])).toEqual(reserves.map((e) => ["cancel_line", "lineKey" in e ? e.lineKey : null]));
  });

  it("restocks only through the cancellation's refund lines: the same releases, with the same ids, as the paired refunds/create", () => {
    const body = fixture("orders-cancelled.json");
    const refunds = body.refunds as Json[];
    const fromCancel = parseShopifyWebhook("orders/cancelled", body).filter((e) => e.kind !== "cancel_line");
    expect(fromCancel).toEqual(refunds.flatMap((refund) => parseShopifyWebhook("refunds/create", refund)));
    expect(fromCancel.length).toBeGreaterThan(0);
    // A cancellation without restock: its refund lines say no_restock, so nothing is put back.
    for (const l of refunds.flatMap(refundLines)) l.restock_type = "no_restock";
    const kept = parseShopifyWebhook("orders/cancelled", body).filter((e) => e.kind === "release");
    expect(kept.every((e) => e.kind === "release" && e.restocked === false)).toBe(true);
  });

  it("cancels untracked SKU lines too (a no-op if never reserved) but not gift cards or blank SKUs", () => {
    const body = { ...fixture("orders-create-pos-gift-card-no-sku.json"), cancelled_at: "2026-11-28T15:00:00-06:00", cancel_reason: "other" };
    expect(parseShopifyWebhook("orders/cancelled", body).map((e) => e.sku)).toEqual(["TEE-BLK-M", "STICKER-PACK-5"]);
  });

  it("a line with an unusable SKU does not block the cancels of the other lines", () => {
    const body = fixture("orders-cancelled.json");
    const hoodie = lines(body)[1];
    if (hoodie) hoodie.sku = "H".repeat(256); // longer than Shopify allows: never reserved
    expect(parseShopifyWebhook("orders/cancelled", body).flatMap((e) => (e.kind === "cancel_line" ? [e.sku] : []))).toEqual(["TEE-BLK-M", "MUG-WHT-12OZ"]);
  });

  it("needs cancelled_at", () => {
    expect(payloadError("orders/cancelled", fixture("orders-create.json")).field).toBe("cancelled_at");
  });
});

describe("refunds/create", () => {
  it('releases units refunded with restock_type "cancel"; an unshipped "no_restock" line releases without a restock', () => {
    const body = fixture("refunds-create.json");
    expect(refundLines(body).map((l) => l.restock_type)).toEqual(["cancel", "no_restock"]);
    expect(parseShopifyWebhook("refunds/create", body)).toEqual([
      {
        id: "shopify:refund:1009817264173:681023915053",
        kind: "release",
        sku: "TEE-BLK-M",
        occurredAt: "2026-11-27T16:02:41.000Z",
        source: "shopify",
        sourceUri: `shopify://orders/${ORDER}`,
        channel: "shopify",
        lineKey: `shopify:${ORDER}:${TEE}`,
        quantity: 1,
      },
      {
        id: "shopify:refund:1009817264173:681023947821",
        kind: "release",
        sku: "MUG-WHT-12OZ",
        occurredAt: "2026-11-27T16:02:41.000Z",
        source: "shopify",
        sourceUri: `shopify://orders/${ORDER}`,
        channel: "shopify",
        lineKey: `shopify:${ORDER}:${MUG}`,
        quantity: 1,
        restocked: false,
      },
    ]);
  });

  it('a "no_restock" refund of a shipped line releases nothing', () => {
    const body = fixture("refunds-create.json");
    const noRestock = refundLines(body)[1]?.line_item as Json | undefined;
    if (noRestock) noRestock.fulfillment_status = "fulfilled";
    expect(parseShopifyWebhook("refunds/create", body).map((e) => e.sku)).toEqual(["TEE-BLK-M"]);
  });

  it('a partial line refunded "no_restock" releases at most its fulfillable_quantity (the rest may have shipped)', () => {
    const body = fixture("refunds-create.json");
    const noRestock = refundLines(body)[1];
    if (noRestock)
      Object.assign(noRestock, { quantity: 2, line_item: { ...(noRestock.line_item as Json), fulfillment_status: "partial", fulfillable_quantity: 1 } });
    expect(parseShopifyWebhook("refunds/create", body).filter((e) => e.sku === "MUG-WHT-12OZ")).toEqual([
      expect.objectContaining({ kind: "release", quantity: 1, restocked: false }),
    ]);
  });

  it('a "return" refund is Shopify restocking at the refund line\'s location: a channel restock there, no on-hand change', () => {
    const body = fixture("refunds-create-return.json");
    expect(refundLines(body)[0]).toMatchObject({ restock_type: "return", quantity: 1, location_id: 79581265965 });
    const events = parseShopifyWebhook("refunds/create", body, options);
    expect(events).toEqual([expect.objectContaining({ kind: "channel_restock", channel: "shopify", quantity: 1, locationId: "store-austin" })]);
    for (const event of events) expect(stockEventSchema.parse(event)).toEqual(event);
    // An unmapped location: the restock still counts, its place is re-read.
    expect(parseShopifyWebhook("refunds/create", body)).toEqual([expect.objectContaining({ kind: "channel_restock", quantity: 1 })]);
    expect(parseShopifyWebhook("refunds/create", body).every((e) => !("locationId" in e))).toBe(true);
  });

  it("ignores unknown restock types instead of rejecting the refund", () => {
    for (const restockType of ["something_new", null]) {
      const body = fixture("refunds-create.json");
      const cancel = refundLines(body)[0];
      if (cancel) cancel.restock_type = restockType;
      // Only the other line (an unshipped no_restock) still releases.
      expect(parseShopifyWebhook("refunds/create", body).map((e) => e.sku)).toEqual(["MUG-WHT-12OZ"]);
    }
  });

  it("skips a cancel line whose SKU could never have been reserved, keeping the others", () => {
    const body = fixture("refunds-create.json");
    const noRestock = refundLines(body)[1];
    if (noRestock) noRestock.restock_type = "cancel"; // now two cancel lines: TEE and MUG
    const tee = refundLines(body)[0]?.line_item as Json | undefined;
    if (tee) tee.sku = "T".repeat(256); // a reserve for this SKU would have been rejected
    expect(parseShopifyWebhook("refunds/create", body).map((e) => e.sku)).toEqual(["MUG-WHT-12OZ"]);
  });

  it("needs the nested line_item of a cancel line, for its SKU", () => {
    const body = fixture("refunds-create.json");
    const cancel = refundLines(body)[0];
    if (cancel) delete cancel.line_item;
    expect(payloadError("refunds/create", body).field).toBe("refund_line_items.0.line_item");
  });
});

describe("effect ids", () => {
  const topics: [ShopifyTopic, string][] = [
    ["orders/create", "orders-create.json"],
    ["orders/create", "orders-create-pos-gift-card-no-sku.json"],
    ["orders/cancelled", "orders-cancelled.json"],
    ["refunds/create", "refunds-create.json"],
  ];

  it.each(topics)("%s (%s): a redelivery gives the same events, so the same ids", (topic, name) => {
    const first = parseShopifyWebhook(topic, fixture(name));
    // A retry is a fresh JSON body, and Shopify may serialize a later state of volatile fields.
    const retry = { ...fixture(name), updated_at: "2026-12-01T00:00:00-06:00", tags: "vip" };
    expect(parseShopifyWebhook(topic, retry)).toEqual(first);
    expect(new Set(first.map((e) => e.id)).size).toBe(first.length);
  });

  it("reserve, release and cancel of one order line share its line key", () => {
    const keyOf = (events: StockEvent[], sku: string) => {
      const event = events.find((e) => e.sku === sku);
      return event && "lineKey" in event ? event.lineKey : undefined;
    };
    const expected = `shopify:${ORDER}:${TEE}`;
    expect(keyOf(parseShopifyWebhook("orders/create", fixture("orders-create.json")), "TEE-BLK-M")).toBe(expected);
    expect(keyOf(parseShopifyWebhook("refunds/create", fixture("refunds-create.json")), "TEE-BLK-M")).toBe(expected);
    expect(keyOf(parseShopifyWebhook("orders/cancelled", fixture("orders-cancelled.json")), "TEE-BLK-M")).toBe(expected);
  });
});

describe("unknown fields", () => {
  it("are ignored at every level", () => {
    const body = fixture("orders-create.json");
    body.some_future_field = { nested: [1, 2, 3] };
    body.customer = { surprise: true };
    for (const line of lines(body)) Object.assign(line, { brand_new_flag: "yes", price_set: { ...(line.price_set as Json), extra_money: {} } });
    expect(parseShopifyWebhook("orders/create", body)).toEqual(parseShopifyWebhook("orders/create", fixture("orders-create.json")));
  });
});

describe("malformed payloads → PayloadError naming the field", () => {
  const cases: [string, ShopifyTopic, (body: Json) => unknown, string, RegExp][] = [
    ["missing order id", "orders/create", (b) => ({ ...b, id: undefined }), "id", /Shopify id/],
    ["quantity as a string", "orders/create", (b) => (Object.assign(lines(b)[0] ?? {}, { quantity: "3" }), b), "line_items.0.quantity", /expected number/],
    ["negative quantity", "orders/create", (b) => (Object.assign(lines(b)[1] ?? {}, { quantity: -1 }), b), "line_items.1.quantity", /.+/],
    [
      "quantity beyond what an event may carry",
      "orders/create",
      (b) => (Object.assign(lines(b)[0] ?? {}, { quantity: 2_000_000 }), b),
      "line_items.0.quantity",
      /.+/,
    ],
    [
      "line item id beyond 2^53 (rounded by JSON.parse)",
      "orders/create",
      // The literal loses precision on purpose: it is what JSON.parse makes of such an id.
      // eslint-disable-next-line no-loss-of-precision
      (b) => (Object.assign(lines(b)[0] ?? {}, { id: 487817672276298554 }), b),
      "line_items.0.id",
      /2\^53/,
    ],
    [
      "price that is not a decimal",
      "orders/create",
      (b) => (Object.assign(lines(b)[0] ?? {}, { price_set: { shop_money: { amount: "19,99", currency_code: "USD" } } }), b),
      "line_items.0.price_set.shop_money.amount",
      /decimal/,
    ],
    ["created_at that is not a timestamp", "orders/create", (b) => ({ ...b, created_at: "yesterday" }), "created_at", /.+/],
    ["line_items missing", "orders/create", (b) => ({ ...b, line_items: undefined }), "line_items", /expected array/],
    ["refund without order_id", "refunds/create", (b) => ({ ...b, order_id: null }), "order_id", /Shopify id/],
    [
      "refund quantity as a string",
      "refunds/create",
      (b) => (Object.assign(refundLines(b)[0] ?? {}, { quantity: "1" }), b),
      "refund_line_items.0.quantity",
      /expected number/,
    ],
  ];
  const fixtureOf: Record<ShopifyTopic, string> = {
    "orders/create": "orders-create.json",
    "orders/cancelled": "orders-cancelled.json",
    "orders/updated": "orders-updated-edit.json",
    "refunds/create": "refunds-create.json",
  };

  it.each(cases)("%s", (_name, topic, mutate, field, message) => {
    const error = payloadError(topic, mutate(fixture(fixtureOf[topic])));
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it.each([null, "orders/create", 42, [{ id: 1 }]])("a body that is not an object (%j)", (body) => {
    expect(payloadError("orders/create", body).field).toBe("(body)");
  });
});

describe("through the Shopify webhook source, with Shopify's headers", () => {
  const headers = (topic: string) =>
    new Headers({
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": "xPvD0Ux7sV0n1m4A+RrGv5QmM3fQ9l2cSg6b8e1H0Jk=",
      "X-Shopify-Shop-Domain": "northwind-threads.myshopify.com",
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
      "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
      "X-Shopify-Triggered-At": "2026-11-27T14:14:04.411157Z",
    });

  it("routes on X-Shopify-Topic and dedupes on topic + X-Shopify-Webhook-Id (the event id is shared across an action's topics)", () => {
    const h = headers("orders/create");
    expect(shopifySource.parse(h, fixture("orders-create.json"), { policy })).toEqual(parseShopifyWebhook("orders/create", fixture("orders-create.json")));
    expect(shopifySource.deliveryId(h)).toBe("orders/create:b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    expect(shopifySource.deliveryId(headers("refunds/create"))).toBe("refunds/create:b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
  });

  it("a topic we do not act on is ignored, not rejected", () => {
    expect(shopifySource.parse(headers("orders/paid"), fixture("orders-create.json"), { policy })).toBeNull();
  });
});

describe("property: any valid order payload", () => {
  const skuArb = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("TEE-BLK-M", "HOOD-GRY-L", "MUG-WHT-12OZ", "SKU 12/B#1", "ab.c_d+e:f") },
    { weight: 1, arbitrary: fc.constantFrom(null, "", "   ") },
  );
  const lineArb = fc.record({
    sku: skuArb,
    quantity: fc.integer({ min: 0, max: 500 }),
    gift_card: fc.boolean(),
    tracking: fc.constantFrom("shopify", null, "absent"),
    cents: fc.integer({ min: 0, max: 999_999 }),
  });
  const orderArb = fc.record({
    orderId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    lineIds: fc.uniqueArray(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { minLength: 0, maxLength: 30 }),
    lines: fc.array(lineArb, { minLength: 30, maxLength: 30 }),
    locationId: fc.option(fc.integer({ min: 1, max: 99_999_999_999 }), { nil: null }),
  });

  it("parses to exactly one reserve per eligible line, with unique ids and exact values", () => {
    const template = fixture("orders-create.json");
    const templateLine = lines(template)[0] ?? {};
    fc.assert(
      fc.property(orderArb, ({ orderId, lineIds, lines: generated, locationId }) => {
        const items = lineIds.map((id, i) => {
          const g = generated[i] ?? generated[0];
          if (!g) throw new Error("unreachable");
          const amount = (g.cents / 100).toFixed(2);
          const line: JsonLine = {
            ...templateLine,
            id,
            admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
            sku: g.sku,
            quantity: g.quantity,
            current_quantity: g.quantity,
            gift_card: g.gift_card,
            price: amount,
            price_set: { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } },
            variant_inventory_management: g.tracking,
          };
          if (g.tracking === "absent") delete line.variant_inventory_management;
          return { line, g };
        });
        const body = { ...template, id: orderId, location_id: locationId, line_items: items.map((x) => x.line) };
        const mapped = { ...options, locations: new Map(locationId === null ? [] : [[String(locationId), `store-${locationId}`]]) };
        const events = parseShopifyWebhook("orders/create", body, mapped);

        const eligible = items.filter(({ g }) => !g.gift_card && g.tracking !== null && g.quantity > 0 && g.sku !== null && g.sku.trim() !== "");
        expect(events).toHaveLength(eligible.length);
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        events.forEach((event, k) => {
          const expected = eligible[k];
          expect(stockEventSchema.parse(event)).toEqual(event);
          expect(event).toMatchObject({
            kind: "reserve",
            id: `shopify:reserve:${orderId}:${expected?.line.id}`,
            lineKey: `shopify:${orderId}:${expected?.line.id}`,
            sku: expected?.g.sku,
            quantity: expected?.g.quantity,
            valueCents: (expected?.g.cents ?? 0) * (expected?.g.quantity ?? 0),
          });
          expect("locationId" in event ? event.locationId : null).toBe(locationId === null ? null : `store-${locationId}`);
        });
      }),
      { numRuns: 200 },
    );
  });
});
