import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policySchema, type Policy } from "@/lib/config/policy";
import { availableToSell, bufferFor } from "@/lib/domain/available";
import { stockStatus } from "@/lib/domain/stock-status";
import { decodeProjectionHash } from "@/lib/redis/projection-codec";
import { parseStockQuery } from "@/lib/stock/stock-query";
import { skuStock } from "@/lib/stock/stock-view";

const policy: Policy = policySchema.parse({
  version: 1,
  channels: {
    shopify: { enabled: true, defaultBuffer: 2, locations: ["wh-east", "wh-west"], locationAware: true },
    marketplace: { enabled: false, defaultBuffer: 3, locations: ["wh-east"], locationAware: false },
  },
  locations: { "wh-east": { name: "East", pickup: true }, "wh-west": { name: "West", pickup: false } },
  lowStockThreshold: 5,
  storefront: { channel: "shopify", refreshMs: 3000 },
  drift: { threshold: 3, autoCorrectLimit: 25 },
  escalation: { orderValueCents: 50000 },
});

describe("available-to-sell", () => {
  it("subtracts reservations and the buffer per location, then unassigned reservations from the total", () => {
    const ats = availableToSell(
      { onHand: { "wh-east": 10, "wh-west": 4 }, reserved: { "wh-east": 3 }, unassigned: 2 },
      { defaultBuffer: 2, locations: ["wh-east", "wh-west"] },
    );
    // Unassigned units come off the first location in routing priority: the parts add up to the total.
    expect(ats).toEqual({ total: 5 + 2 - 2, locations: { "wh-east": 3, "wh-west": 2 } });
    expect(
      availableToSell({ onHand: { "wh-east": 3, "wh-west": 9 }, reserved: {}, unassigned: 4 }, { defaultBuffer: 0, locations: ["wh-east", "wh-west"] }),
    ).toEqual({ total: 8, locations: { "wh-east": 0, "wh-west": 8 } });
  });

  it("a SKU override beats the channel default, even when it is 0", () => {
    expect(bufferFor({ defaultBuffer: 3 }, 0)).toBe(0);
    expect(bufferFor({ defaultBuffer: 3 }, undefined)).toBe(3);
  });

  it("only sells from the channel's own locations", () => {
    expect(availableToSell({ onHand: { "wh-east": 1, "wh-west": 50 }, reserved: {}, unassigned: 0 }, { defaultBuffer: 0, locations: ["wh-east"] }).total).toBe(
      1,
    );
  });

  it("status follows the low-stock threshold", () => {
    expect([stockStatus(0, 5), stockStatus(5, 5), stockStatus(6, 5), stockStatus(null, 5)]).toEqual(["sold_out", "low_stock", "in_stock", "unknown"]);
  });
});

describe("stock view", () => {
  it("reads the projection hash (as HGETALL or as a Lua array) and shows the storefront channel", () => {
    const fromRecord = decodeProjectionHash({ "oh:wh-east": 9, "oh:wh-west": "1", "rs:wh-east": 2, "rs:*": 1, "buf:shopify": 0, v: 4, at: 1700000000000 });
    const fromArray = decodeProjectionHash([
      "oh:wh-east",
      "9",
      "oh:wh-west",
      "1",
      "rs:wh-east",
      "2",
      "rs:*",
      "1",
      "buf:shopify",
      "0",
      "v",
      "4",
      "at",
      "1700000000000",
    ]);
    expect(fromArray).toEqual(fromRecord);
    expect(fromRecord?.buffers).toEqual({ shopify: 0 });
    expect(skuStock(fromRecord, policy)).toEqual({
      available: 7 + 1 - 1,
      status: "in_stock",
      locations: { "wh-east": { available: 6, name: "East", pickup: true }, "wh-west": { available: 1, name: "West", pickup: false } },
    });
  });

  it("unknown SKUs and disabled channels never show stock", () => {
    expect(skuStock(null, policy).status).toBe("unknown");
    const snapshot = decodeProjectionHash({ "oh:wh-east": 50 });
    expect(skuStock(snapshot, { ...policy, storefront: { ...policy.storefront, channel: "marketplace" } })).toMatchObject({ available: 0, status: "sold_out" });
  });
});

describe("stock query", () => {
  it("dedupes and accepts 1–50 valid SKUs", () => {
    expect(parseStockQuery(new URLSearchParams("sku=A&sku=B&sku=A"))).toEqual({ ok: true, skus: ["A", "B"] });
  });

  it("never throws on arbitrary query strings", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300, size: "max" }),
          fc
            .array(fc.string({ maxLength: 70, size: "max" }), { maxLength: 60, size: "max" })
            .map((v) => v.map((s) => `sku=${encodeURIComponent(s)}`).join("&")),
        ),
        (query) => {
          const result = parseStockQuery(new URLSearchParams(query));
          expect(typeof result.ok).toBe("boolean");
          if (!result.ok) expect(result.error).toMatch(/^sku/);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
