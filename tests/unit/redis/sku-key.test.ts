import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { targetKey, targetSku } from "@/lib/domain/channel-targets";
import { skuSchema } from "@/lib/domain/events";
import { keys } from "@/lib/redis/keys";
import { decodeSkuFromKey, encodeSkuForKey } from "@/lib/redis/sku-key";

/** Cluster hash tag of a key: the text between the first `{` and the next `}`, when non-empty. */
const hashTag = (key: string) => {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
};

describe("SKUs inside Redis keys", () => {
  it("keys of the old SKU alphabet are unchanged; anything else is percent-encoded", () => {
    expect(keys.projection("TEE-BLK M/#+:._")).toBe("stk:{TEE-BLK M/#+:._}:p");
    expect(encodeSkuForKey("{x}")).toBe("%7Bx%7D");
    expect(encodeSkuForKey("a|b")).toBe("a%7Cb");
    expect(encodeSkuForKey("50%")).toBe("50%25");
    expect(encodeSkuForKey("É")).toBe("%C3%89");
  });

  it("every SKU round-trips, and all of a SKU's keys share one non-empty hash tag of bounded length", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 255 }), (sku) => {
        fc.pre(skuSchema.safeParse(sku).success);
        expect(decodeSkuFromKey(encodeSkuForKey(sku))).toBe(sku);
        const tags = new Set([keys.projection(sku), keys.applied(sku), keys.lines(sku), keys.ledger(sku), keys.movements(sku, "wh-east")].map(hashTag));
        expect(tags).toEqual(new Set([encodeSkuForKey(sku)]));
        expect(Buffer.byteLength(keys.projection(sku))).toBeLessThanOrEqual(3_060 + 7);
      }),
      { numRuns: 300 },
    );
    expect(Buffer.byteLength(encodeSkuForKey("🧣".repeat(255)))).toBe(3_060);
  });

  it("a believed field's SKU is read back whole, even when it holds `|`", () => {
    for (const sku of ["a|b", "|", "x||y", "TEE"]) expect(targetSku(targetKey(sku, "wh-east"))).toBe(sku);
    expect(targetSku(targetKey("a|b", "*"))).toBe("a|b");
  });
});
