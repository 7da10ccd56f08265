import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, parse, validate, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { ALL_ADMIN_DOCUMENTS } from "@/lib/shopify/admin-documents";
import { ALL_STOREFRONT_DOCUMENTS } from "@/lib/shopify/storefront-documents";
import { storefrontSchema } from "@/emulators/shopify/schemas";

/** Every Admin document we send must be one Shopify's published 2026-10 schema accepts. */
const file = path.resolve(import.meta.dirname, "..", "..", "emulators", "shopify", "schema", "admin-2026-10.introspection.json.gz");
const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data?: IntrospectionQuery } & IntrospectionQuery;
const schema = buildClientSchema(introspection.data ?? introspection);

describe("Shopify Admin documents", () => {
  it.each(Object.entries(ALL_ADMIN_DOCUMENTS))("%s validates against the 2026-10 schema", (_name, document) => {
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });

  it("inventory mutations carry @idempotent(key:)", () => {
    expect(ALL_ADMIN_DOCUMENTS.ADJUST_AVAILABLE_MUTATION).toMatch(/inventoryAdjustQuantities\(input: \$input\) @idempotent\(key: \$key\)/);
    expect(ALL_ADMIN_DOCUMENTS.SET_AVAILABLE_MUTATION).toMatch(/inventorySetQuantities\(input: \$input\) @idempotent\(key: \$key\)/);
  });

  it("the validator is not a rubber stamp: a field Shopify does not have is rejected", () => {
    expect(validate(schema, parse("query { shop { inventoryTotal } }")).length).toBeGreaterThan(0);
  });
});

describe("Shopify Storefront documents", () => {
  it.each(Object.entries(ALL_STOREFRONT_DOCUMENTS))("%s validates against hydrogen-react's Storefront schema", (_name, document) => {
    expect(validate(storefrontSchema(), parse(document)).map((e) => e.message)).toEqual([]);
  });

  it("the shell never asks for stock (it is cached for long; stock comes from /api/stock)", () => {
    for (const document of Object.values(ALL_STOREFRONT_DOCUMENTS))
      expect(document).not.toMatch(/quantityAvailable|availableForSale|storeAvailability|totalInventory/);
  });

  it("the validator is not a rubber stamp here either", () => {
    expect(validate(storefrontSchema(), parse('query { product(handle: "x") { inventoryLevel } }')).length).toBeGreaterThan(0);
  });
});
