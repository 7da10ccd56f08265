import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMarketplacePayload } from "@/lib/sources/marketplace";
import { PayloadError } from "@/lib/sources/payload-error";
import { parsePosPayload } from "@/lib/sources/pos";
import { parseShopifyWebhook, shopifyTopicSchema } from "@/lib/sources/shopify";
import { parseProductWebhook } from "@/lib/sources/shopify-products";
import { parseWmsPayload } from "@/lib/sources/wms";
import { parseStockQuery } from "@/lib/stock/stock-query";

/** Whatever arrives, a parser either returns events or throws a PayloadError naming a field: never anything else. */
function onlyPayloadErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).field.length).toBeGreaterThan(0);
  }
}

const anyBody = fc.oneof(fc.jsonValue(), fc.anything(), fc.record({ events: fc.array(fc.anything(), { maxLength: 5 }) }));

describe("webhook parsers under fuzz", () => {
  it("WMS", () => fc.assert(fc.property(anyBody, (body) => onlyPayloadErrors(() => parseWmsPayload(body))), { numRuns: 2_000 }));
  it("marketplace", () => fc.assert(fc.property(anyBody, (body) => onlyPayloadErrors(() => parseMarketplacePayload(body))), { numRuns: 2_000 }));
  it("POS", () => fc.assert(fc.property(anyBody, (body) => onlyPayloadErrors(() => parsePosPayload(body))), { numRuns: 2_000 }));
  it("Shopify orders and refunds", () =>
    fc.assert(fc.property(fc.constantFrom(...shopifyTopicSchema.options), anyBody, (topic, body) => onlyPayloadErrors(() => parseShopifyWebhook(topic, body))), { numRuns: 2_000 }));
  it("Shopify products", () => fc.assert(fc.property(fc.string(), anyBody, (topic, body) => onlyPayloadErrors(() => parseProductWebhook(topic, body))), { numRuns: 1_000 }));
});

describe("/api/stock query parser under fuzz", () => {
  it("answers ok or an error message; never throws", () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("sku", "SKU", "x"), fc.string()), { maxLength: 70 }), (pairs) => {
        const result = parseStockQuery(new URLSearchParams(pairs));
        if (result.ok) expect(result.skus.length).toBeGreaterThan(0);
        else expect(result.error).toMatch(/^sku/);
      }),
      { numRuns: 2_000 },
    ));
});
