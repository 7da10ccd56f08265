import { describe, expect, it } from "vitest";
import { policySchema, type Policy } from "@/lib/config/policy";
import { decodeProjectionHash } from "@/lib/redis/projection-codec";
import { cartShortfalls } from "@/lib/stock/cart-shortfalls";
import { pickupToday, productStock } from "@/lib/stock/product-stock";
import { clientAddress } from "@/lib/stock/rate-limit";
import { MAX_SKUS_PER_REQUEST, parseStockQuery } from "@/lib/stock/stock-query";
import { skuStock, stockResponse, type SkuStock } from "@/lib/stock/stock-view";

/** Edges of the storefront's stock answers (lib/stock), expected values worked out by hand. */
const s = (available: number, status: SkuStock["status"]): SkuStock => ({ available, status, locations: {} });

describe("cartShortfalls edges", () => {
  it("asking exactly what is left is fine; a negative number offers 0; an over-asking line leaves nothing for the next", () => {
    const lines = [
      { lineId: "a", sku: "A", quantity: 3 },
      { lineId: "b", sku: "B", quantity: 1 },
      { lineId: "c", sku: "C", quantity: 5 },
      { lineId: "c2", sku: "C", quantity: 1 },
      { lineId: "e", sku: "", quantity: 9 },
    ];
    expect(cartShortfalls(lines, { A: s(3, "low_stock"), B: s(-2, "sold_out"), C: s(3, "low_stock"), "": s(0, "sold_out") })).toEqual([
      { lineId: "b", sku: "B", requested: 1, available: 0 },
      { lineId: "c", sku: "C", requested: 5, available: 3 },
      { lineId: "c2", sku: "C", requested: 1, available: 0 },
    ]);
  });
});

describe("productStock edges", () => {
  it("ignores unknown variants in the sum and in the status, and clamps negative numbers", () => {
    expect(productStock(["A", "B", "C"], (k) => ({ A: s(5, "unknown"), B: s(2, "low_stock"), C: s(-4, "sold_out") })[k])).toEqual({
      available: 2,
      status: "low_stock",
      locations: {},
    });
    expect(productStock(["A", "B"], (k) => ({ A: s(9, "unknown"), B: s(0, "sold_out") })[k])).toEqual({ available: 0, status: "sold_out", locations: {} });
    expect(productStock([], () => undefined)).toEqual({ available: 0, status: "unknown", locations: {} });
  });

  it("a pickup place must both offer pickup and hold the item", () => {
    const locations = {
      w: { available: 3, name: "W", pickup: false },
      p: { available: 0, name: "P", pickup: true },
      q: { available: 1, name: "Q", pickup: true },
    };
    expect(pickupToday({ available: 4, status: "in_stock", locations })).toBe("Q");
    expect(pickupToday({ available: 3, status: "in_stock", locations: { w: locations.w } })).toBeNull();
  });
});

describe("clientAddress", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it("takes the first forwarded hop, trimmed; else x-real-ip; else nothing", () => {
    expect(clientAddress(h({ "x-forwarded-for": " 203.0.113.7 , 10.0.0.1", "x-real-ip": "198.51.100.1" }))).toBe("203.0.113.7");
    expect(clientAddress(h({ "x-forwarded-for": " ", "x-real-ip": " 198.51.100.1 " }))).toBe("198.51.100.1");
    expect(clientAddress(h({ "x-real-ip": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientAddress(h({}))).toBeNull();
  });
  it("refuses an address longer than 64 characters", () => {
    expect(clientAddress(h({ "x-forwarded-for": "a".repeat(64) }))).toBe("a".repeat(64));
    expect(clientAddress(h({ "x-forwarded-for": "a".repeat(65) }))).toBeNull();
  });
});

describe("parseStockQuery edges", () => {
  const q = (n: number) => new URLSearchParams(Array.from({ length: n }, (_, i) => `sku=S${i}`).join("&"));
  it("names the rule it breaks", () => {
    expect(MAX_SKUS_PER_REQUEST).toBe(50);
    expect(parseStockQuery(q(0))).toEqual({ ok: false, error: "sku: give 1 to 50 sku parameters, e.g. ?sku=TEE-BLK-M" });
    expect(parseStockQuery(q(51))).toEqual({ ok: false, error: "sku: at most 50 per request, got 51" });
    expect(parseStockQuery(q(50))).toMatchObject({ ok: true });
    expect(parseStockQuery(new URLSearchParams(`sku=A&sku=${"B".repeat(256)}`))).toEqual({ ok: false, error: "sku[1]: sku is longer than 255 characters" });
    // Free-text SKUs, URL-decoded (the badge encodes with encodeURIComponent).
    const free = ["Tee (Blk) M", "A&B", "a|b", "{x}", "50% off", '12" LP', "ÉCHARPE-01", "🧣"];
    expect(parseStockQuery(new URLSearchParams(free.map((s) => `sku=${encodeURIComponent(s)}`).join("&")))).toEqual({ ok: true, skus: free });
    expect(parseStockQuery(new URLSearchParams("other=A"))).toMatchObject({ ok: false });
  });
});

describe("skuStock and stockResponse edges", () => {
  const policy: Policy = policySchema.parse({
    version: 1,
    channels: { shopify: { enabled: true, defaultBuffer: 1, locations: ["wh-east", "lost"], locationAware: true } },
    locations: { "wh-east": { name: "East", pickup: true } },
    lowStockThreshold: 5,
    storefront: { channel: "shopify", refreshMs: 2500 },
    drift: { threshold: 3, autoCorrectLimit: 25 },
    escalation: { orderValueCents: 50000 },
  });

  it("uses the SKU's buffer for the storefront's channel; a location without policy shows its id and no pickup", () => {
    const snapshot = decodeProjectionHash({ "oh:wh-east": 9, "oh:lost": 2, "buf:shopify": 0, "buf:marketplace": 7 });
    expect(skuStock(snapshot, policy)).toEqual({
      available: 11,
      status: "in_stock",
      locations: { "wh-east": { available: 9, name: "East", pickup: true }, lost: { available: 2, name: "lost", pickup: false } },
    });
  });

  it("a storefront channel missing from the policy sells nothing", () => {
    const snapshot = decodeProjectionHash({ "oh:wh-east": 9 });
    expect(skuStock(snapshot, { ...policy, storefront: { ...policy.storefront, channel: "pos" } })).toEqual({
      available: 0,
      status: "sold_out",
      locations: {},
    });
  });

  it("the response carries the time, channel and refresh interval, and one entry per SKU asked", () => {
    const snapshots = new Map([
      ["A", decodeProjectionHash({ "oh:wh-east": 3 })],
      ["B", null],
    ]);
    expect(stockResponse(snapshots, policy, new Date(Date.UTC(2026, 10, 27, 8)))).toEqual({
      asOf: "2026-11-27T08:00:00.000Z",
      channel: "shopify",
      refreshMs: 2500,
      skus: {
        A: {
          available: 2,
          status: "low_stock",
          locations: { "wh-east": { available: 2, name: "East", pickup: true }, lost: { available: 0, name: "lost", pickup: false } },
        },
        B: { available: 0, status: "unknown", locations: {} },
      },
    });
  });
});
