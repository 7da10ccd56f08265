import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stockEventSchema } from "@/lib/domain/events";
import { parseMarketplacePayload } from "@/lib/sources/marketplace";
import { PayloadError } from "@/lib/sources/payload-error";
import { parsePosPayload } from "@/lib/sources/pos";
import { parseShopifyWebhook, type ShopifyTopic } from "@/lib/sources/shopify";
import { parseProductWebhook } from "@/lib/sources/shopify-products";
import { parseWmsPayload } from "@/lib/sources/wms";
import { parseStockQuery } from "@/lib/stock/stock-query";
import { fieldShape, mutationArbitrary, namesMutation, type Json, type Mutation } from "../../support/payload-mutations";

/**
 * Each parser, fed valid payloads with one field dropped, retyped or shifted to a boundary:
 * it either returns events that are valid stock events, or throws a PayloadError naming the
 * field that was mutated (what the 400 answer and the dead letter carry). Nothing else.
 * The run also has to show it reached the field checks, not just the first one.
 */
const fixture = (name: string) => JSON.parse(readFileSync(path.join(import.meta.dirname, "../../fixtures/shopify", name), "utf8")) as Json;

interface Tally {
  accepted: number;
  rejected: Map<string, number>;
}

function fuzz(mutations: fc.Arbitrary<Mutation>, parse: (body: Json) => unknown[], numRuns: number): Tally {
  const tally: Tally = { accepted: 0, rejected: new Map() };
  fc.assert(
    fc.property(mutations, (mutation) => {
      let events: unknown[];
      try {
        events = parse(mutation.body);
      } catch (error) {
        expect(error).toBeInstanceOf(PayloadError);
        const field = (error as PayloadError).field;
        expect({ field, names: namesMutation(field, mutation) }).toEqual({ field, names: true });
        tally.rejected.set(fieldShape(field), (tally.rejected.get(fieldShape(field)) ?? 0) + 1);
        return;
      }
      tally.accepted++;
      for (const event of events) expect(stockEventSchema.parse(event)).toEqual(event);
    }),
    { numRuns },
  );
  return tally;
}

/** Both outcomes occur, and the rejections reached every listed check. */
function expectReached(tally: Tally, runs: number, fields: string[]): void {
  const rejected = [...tally.rejected.values()].reduce((a, b) => a + b, 0);
  expect(tally.accepted).toBeGreaterThanOrEqual(runs / 20);
  expect(rejected).toBeGreaterThanOrEqual(runs / 5);
  expect(tally.rejected.get("(body)") ?? 0).toBe(0);
  expect([...tally.rejected.keys()]).toEqual(expect.arrayContaining(fields));
}

const wmsEvent = { id: "evt-1", type: "receipt", sku: "TEE-BLK-M", locationId: "wh-east", quantity: 4, occurredAt: "2026-11-27T10:00:00Z" };
const wmsPick = { ...wmsEvent, id: "evt-2", type: "pick", quantity: 1, orderId: "shopify:6524199518253", lineId: "1", channel: "shopify" };
const wmsKeys = new Set(["events", "id", "type", "sku", "locationId", "quantity", "occurredAt", "orderId", "lineId", "channel"]);

const marketplaceBody: Json = {
  id: "n-1",
  type: "order.created",
  occurredAt: "2026-11-27T10:00:00Z",
  order: {
    id: "A-77",
    lines: [
      { id: "1", sku: "MUG-SND", quantity: 2, priceCents: 2200 },
      { id: "2", sku: "MUG-SND", quantity: 1 },
    ],
  },
};
const marketplaceKeys = new Set(["id", "type", "occurredAt", "order", "lines", "sku", "quantity", "priceCents"]);

const posBody: Json = {
  batchId: "B-1",
  locationId: "wh-east",
  sales: [
    { id: "S-1", occurredAt: "2026-11-27T10:00:00Z", status: "completed", lines: [{ id: "1", sku: "TEE-BLK-M", quantity: 1, priceCents: 2500 }] },
    { id: "S-2", occurredAt: "2026-11-27T10:05:00Z", status: "voided", lines: [{ id: "1", sku: "TEE-BLK-M", quantity: 2 }] },
  ],
};
const posKeys = new Set(["batchId", "locationId", "sales", "id", "occurredAt", "status", "lines", "sku", "quantity", "priceCents"]);

/** The fields lib/sources/shopify.ts reads; the fixtures carry hundreds more that it strips. */
const shopifyKeys = new Set([
  ...[
    "id",
    "created_at",
    "cancelled_at",
    "currency",
    "location_id",
    "line_items",
    "sku",
    "quantity",
    "gift_card",
    "variant_inventory_management",
    "price",
    "price_set",
  ],
  ...["shop_money", "amount", "currency_code", "order_id", "refund_line_items", "line_item_id", "restock_type", "line_item", "fulfillment_status"],
]);
const shopifyBodies: [ShopifyTopic, Json][] = [
  ["orders/create", fixture("orders-create.json")],
  ["orders/cancelled", fixture("orders-cancelled.json")],
  ["orders/updated", fixture("orders-updated-edit.json")],
  ["refunds/create", fixture("refunds-create.json")],
  ["refunds/create", fixture("refunds-create-return.json")],
];

describe("webhook parsers under mutation fuzz", () => {
  it("WMS: single events and batches", () => {
    // A dropped `events` key turns a batch into a (bad) single event; the parser cannot know which was meant.
    const mutations = fc.oneof(
      mutationArbitrary([wmsEvent, wmsPick], wmsKeys),
      mutationArbitrary([{ events: [wmsEvent, wmsPick] }], wmsKeys, (p) => p.length > 1),
    );
    const tally = fuzz(mutations, (body) => parseWmsPayload(body), 1_200);
    expectReached(tally, 1_200, [
      "id",
      "type",
      "sku",
      "locationId",
      "quantity",
      "occurredAt",
      "orderId",
      "lineId",
      "channel",
      "events.N.quantity",
      "events.N.sku",
      "events.N.occurredAt",
    ]);
  });

  it("marketplace", () => {
    const tally = fuzz(mutationArbitrary([marketplaceBody], marketplaceKeys), (body) => parseMarketplacePayload(body), 1_000);
    expectReached(tally, 1_000, [
      "id",
      "type",
      "occurredAt",
      "order",
      "order.lines",
      "order.lines.N.id",
      "order.lines.N.sku",
      "order.lines.N.quantity",
      "order.lines.N.priceCents",
    ]);
  });

  it("POS", () => {
    const tally = fuzz(mutationArbitrary([posBody], posKeys), (body) => parsePosPayload(body), 1_000);
    expectReached(tally, 1_000, [
      "batchId",
      "locationId",
      "sales.N.id",
      "sales.N.occurredAt",
      "sales.N.status",
      "sales.N.lines.N.sku",
      "sales.N.lines.N.quantity",
    ]);
  });

  for (const [topic, body] of shopifyBodies) {
    const name = (body as { refund_line_items?: { restock_type?: string }[] }).refund_line_items?.[0]?.restock_type ?? "";
    it(
      `Shopify ${topic} ${name}`.trim(),
      () => {
        const tally = fuzz(mutationArbitrary([body], shopifyKeys), (mutated) => parseShopifyWebhook(topic, mutated), 500);
        const fields =
          topic === "refunds/create"
            ? ["id", "order_id", "created_at", "refund_line_items.N.id", "refund_line_items.N.line_item_id", "refund_line_items.N.quantity"]
            : [
                "id",
                "created_at",
                "currency",
                "line_items.N.id",
                "line_items.N.quantity",
                "line_items.N.sku",
                "line_items.N.price",
                ...(topic === "orders/cancelled" ? ["cancelled_at"] : []),
              ];
        expectReached(tally, 500, fields);
        // orders/cancelled also parses the refunds it carries (their restock lines): a bigger body.
      },
      30_000,
    );
  }

  it("Shopify products: real topics, the change named on success, the field on failure", () => {
    const product = { id: 8109844529453, handle: "tee-black", title: "Tee", variants: [] };
    const keys = new Set(["id", "handle"]);
    const cases = fc.oneof(
      fc.tuple(fc.constantFrom("products/create" as const, "products/update" as const), mutationArbitrary([product], keys)),
      fc.tuple(fc.constant("products/delete" as const), mutationArbitrary([{ id: 8109844529453 }], new Set(["id"]))),
    );
    const outcomes = { changes: 0, rejected: new Set<string>() };
    fc.assert(
      fc.property(cases, ([topic, mutation]) => {
        try {
          const change = parseProductWebhook(topic, mutation.body);
          expect(change?.topic).toBe(topic);
          expect(change?.productId).toMatch(/^[1-9]\d*$/);
          if (topic === "products/delete") expect(change?.handle).toBeNull();
          else expect(change?.handle).toBe((mutation.body as { handle: unknown }).handle);
          outcomes.changes++;
        } catch (error) {
          expect(error).toBeInstanceOf(PayloadError);
          expect(namesMutation((error as PayloadError).field, mutation)).toBe(true);
          outcomes.rejected.add((error as PayloadError).field);
        }
      }),
      { numRuns: 1_000 },
    );
    expect(outcomes.changes).toBeGreaterThan(50);
    expect([...outcomes.rejected].sort()).toEqual(["handle", "id"]);
    // Any other topic is not a product webhook at all.
    expect(parseProductWebhook("orders/create", product)).toBeNull();
  });
});

describe("/api/stock query parser under fuzz", () => {
  const validSku = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { size: "max" });
  // Half the queries hold only good SKUs (some exactly 64 characters long), half mix in ones at
  // and past the 255-character limit, blank or ill-formed; 0–70 parameters, mostly `sku`.
  const goodValue = fc.oneof({ weight: 9, arbitrary: validSku }, { weight: 1, arbitrary: fc.constant("A".repeat(255)) });
  const anyValue = fc.oneof(
    { weight: 8, arbitrary: validSku },
    { weight: 1, arbitrary: fc.constantFrom("A".repeat(255), "B".repeat(256), "A{B}", "A\u0001B", "", " ", "🧣".repeat(256)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80, size: "max" }) },
  );
  const key = fc.oneof({ weight: 12, arbitrary: fc.constant("sku") }, { weight: 1, arbitrary: fc.constantFrom("SKU", "x") });
  const pairsOf = (value: fc.Arbitrary<string>) => fc.integer({ min: 0, max: 70 }).chain((n) => fc.array(fc.tuple(key, value), { minLength: n, maxLength: n }));
  const pairs = fc.oneof(pairsOf(goodValue), pairsOf(anyValue));

  it("answers exactly: 1–50 valid SKUs, deduplicated; otherwise the first reason, naming the bad index", () => {
    const seen = { tooMany: 0, ok: 0, okAtLimit: 0, tooLong: 0, none: 0 };
    fc.assert(
      fc.property(pairs, (list) => {
        const skus = list.filter(([key]) => key === "sku").map(([, v]) => v);
        const result = parseStockQuery(new URLSearchParams(list));
        const bad = skus.findIndex((s) => s.trim() === "" || [...s].length > 255 || /[\uD800-\uDFFF]/u.test(s));
        if (skus.length === 0) {
          seen.none++;
          expect(result).toEqual({ ok: false, error: expect.stringMatching(/^sku: give 1 to 50/) });
        } else if (skus.length > 50) {
          seen.tooMany++;
          expect(result).toEqual({ ok: false, error: `sku: at most 50 per request, got ${skus.length}` });
        } else if (bad >= 0) {
          if ([...skus[bad]!].length > 255) seen.tooLong++;
          expect(result).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`^sku\\[${bad}\\]: `)) });
        } else {
          seen.ok++;
          if (skus.length === 50 || skus.some((s) => s.length === 255)) seen.okAtLimit++;
          expect(result).toEqual({ ok: true, skus: [...new Set(skus)] });
        }
      }),
      { numRuns: 1_000 },
    );
    // The limits were really crossed, and approached from the valid side.
    expect(seen.tooMany).toBeGreaterThanOrEqual(100);
    expect(seen.tooLong).toBeGreaterThanOrEqual(20);
    expect(seen.ok).toBeGreaterThanOrEqual(150);
    expect(seen.okAtLimit).toBeGreaterThanOrEqual(100);
    expect(seen.none).toBeGreaterThanOrEqual(10);
  });
});
