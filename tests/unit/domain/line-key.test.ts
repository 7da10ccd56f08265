import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatLineKey, lineKeyChannel, parseLineKey } from "@/lib/domain/line-key";

/** The order-line key's one format: what the parsers build, incidents and own-sale accounting read back. */
describe("line keys", () => {
  it("format and parse are inverse for every channel, order id and line id", () => {
    const part = fc.stringMatching(/^[\w-]{1,20}$/);
    fc.assert(
      fc.property(
        fc.constantFrom("shopify", "marketplace", "pos", "erp"),
        fc.array(part, { minLength: 1, maxLength: 3 }),
        part,
        (channel, orderParts, lineId) => {
          const orderId = orderParts.join(":"); // order ids may hold colons (gid-like ids)
          const key = formatLineKey(channel, orderId, lineId);
          expect(parseLineKey(key)).toEqual({ lineKey: key, channel, orderId, lineId });
          expect(lineKeyChannel(key)).toBe(channel);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a WMS line without a channel names no channel", () => {
    const key = formatLineKey(null, "ord-9", "1");
    expect(key).toBe("ord-9:1");
    expect(parseLineKey(key)).toBeNull();
    expect(lineKeyChannel(key)).toBeUndefined();
  });

  it("keys of another shape are not parsed", () => {
    for (const key of ["", "shopify", "shopify:1", "Shopify:1:2", "shopify:1:", ":1:2"]) expect(parseLineKey(key)).toBeNull();
  });
});
