import { describe, expect, it } from "vitest";
import { effectIdSchema, lineKeySchema, locationIdSchema, skuSchema, stockEventSchema } from "@/lib/domain/events";

/** The limits each field of the normalized event claims (lib/domain/events.ts), at both sides of the edge. */
const ok = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) =>
  expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(true);
const bad = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) =>
  expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(false);

describe("id-like fields", () => {
  it("sku: any non-blank, well-formed text of 1-255 code points (Shopify's SKU is free text)", () => {
    for (const v of [
      "A",
      "TEE BLK._-/#+:M",
      "Tee (Blk) M",
      "ÉCHARPE-01",
      '12" LP',
      "A&B",
      "{x}",
      "a|b",
      "-A",
      " A",
      "A\n",
      "🧣",
      "x".repeat(255),
      "🧣".repeat(255),
    ])
      ok(skuSchema, v);
    for (const v of ["", "  ", "x".repeat(256), "🧣".repeat(256), "A\uD800"]) bad(skuSchema, v);
  });

  it("locationId: 1-64 chars of letters, digits and . _ - only, starting with a letter or digit", () => {
    for (const v of ["w", "wh-east_2.b", `w${"x".repeat(63)}`]) ok(locationIdSchema, v);
    for (const v of ["", `w${"x".repeat(64)}`, "wh east", ".wh", "wh/east", "wh:1", "wh#1", "wh+1"]) bad(locationIdSchema, v);
  });

  it("lineKey: 3-200 chars without whitespace or braces", () => {
    for (const v of ["a:b", "shopify:1:2", "x".repeat(200)]) ok(lineKeySchema, v);
    for (const v of ["ab", "x".repeat(201), "a b:c", "a{b}:c", "a}b:c", "ab\t:c"]) bad(lineKeySchema, v);
  });

  it("effect id: 1-200 printable ASCII, no space and no |", () => {
    for (const v of ["!", "~", "{", "}", "a:b/c#1", "x".repeat(200)]) ok(effectIdSchema, v);
    for (const v of ["", "x".repeat(201), "a|b", "a b", "é", "a\u007f", "\u0000"]) bad(effectIdSchema, v);
  });
});

describe("what each id rule says when it refuses", () => {
  const messageOf = (schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { message: string }[] } } }, value: unknown) =>
    schema.safeParse(value).error?.issues[0]?.message;
  it("names the allowed characters", () => {
    expect(messageOf(skuSchema, "x".repeat(256))).toBe("sku is longer than 255 characters");
    expect(messageOf(locationIdSchema, "wh east")).toBe("locationId may hold letters, digits and . _ - only");
    expect(messageOf(lineKeySchema, "a b:c")).toBe("lineKey has no spaces or braces");
    expect(messageOf(effectIdSchema, "a|b")).toBe("id must be printable ASCII without spaces or |");
  });
});

describe("stockEventSchema", () => {
  const base = { id: "e1", sku: "S", occurredAt: "2026-11-27T08:00:00.000Z", source: "wms", sourceUri: "u" };
  const wms = (o: object) => ({ ...base, locationId: "wh", quantity: 1, ...o });
  const ordered = (o: object) => ({ ...base, source: "shopify", channel: "shopify", lineKey: "shopify:1:1", ...o });

  it("accepts each kind in its shape", () => {
    for (const kind of ["receipt", "return", "adjustment", "pick", "cycle_count", "short_pick"]) ok(stockEventSchema, wms({ kind }));
    ok(stockEventSchema, wms({ kind: "pick", lineKey: "shopify:1:1" }));
    ok(stockEventSchema, ordered({ kind: "reserve", quantity: 2, locationId: "wh", valueCents: 0 }));
    ok(stockEventSchema, ordered({ kind: "release", quantity: 2, restocked: false, channel: "erp" }));
    ok(stockEventSchema, ordered({ kind: "cancel_line" }));
    for (const channel of ["shopify", "marketplace", "pos", "erp"]) ok(stockEventSchema, ordered({ kind: "cancel_line", channel }));
    for (const source of ["wms", "shopify", "marketplace", "pos"]) ok(stockEventSchema, ordered({ kind: "cancel_line", source }));
    ok(stockEventSchema, wms({ kind: "receipt", occurredAt: "2026-11-27T09:00:00+01:00" }));
  });

  it("quantities: 0 to 1,000,000 whole units; an adjustment may go down to −1,000,000", () => {
    ok(stockEventSchema, wms({ kind: "receipt", quantity: 0 }));
    ok(stockEventSchema, wms({ kind: "receipt", quantity: 1_000_000 }));
    bad(stockEventSchema, wms({ kind: "receipt", quantity: 1_000_001 }));
    bad(stockEventSchema, wms({ kind: "receipt", quantity: -1 }));
    bad(stockEventSchema, wms({ kind: "receipt", quantity: 1.5 }));
    ok(stockEventSchema, wms({ kind: "adjustment", quantity: -1_000_000 }));
    bad(stockEventSchema, wms({ kind: "adjustment", quantity: -1_000_001 }));
    bad(stockEventSchema, wms({ kind: "adjustment", quantity: 1_000_001 }));
    bad(stockEventSchema, wms({ kind: "adjustment", quantity: 0.5 }));
    bad(stockEventSchema, ordered({ kind: "reserve", quantity: 1, valueCents: -1 }));
    bad(stockEventSchema, ordered({ kind: "reserve", quantity: 1, valueCents: 1.5 }));
  });

  it("refuses what is missing or out of its set", () => {
    bad(stockEventSchema, wms({ kind: "receipt", locationId: undefined }));
    bad(stockEventSchema, ordered({ kind: "reserve" }));
    bad(stockEventSchema, ordered({ kind: "reserve", quantity: 1, lineKey: undefined }));
    bad(stockEventSchema, ordered({ kind: "reserve", quantity: 1, channel: "wms" }));
    bad(stockEventSchema, ordered({ kind: "release", quantity: 1, restocked: "no" }));
    bad(stockEventSchema, wms({ kind: "receipt", source: "erp" }));
    bad(stockEventSchema, wms({ kind: "receipt", sourceUri: "" }));
    ok(stockEventSchema, wms({ kind: "receipt", sourceUri: "u".repeat(500) }));
    bad(stockEventSchema, wms({ kind: "receipt", sourceUri: "u".repeat(501) }));
    bad(stockEventSchema, wms({ kind: "receipt", occurredAt: "2026-11-27" }));
    bad(stockEventSchema, wms({ kind: "teleport" }));
  });

  it("keeps the kind-specific fields it parsed", () => {
    expect(stockEventSchema.parse(ordered({ kind: "release", quantity: 2, restocked: false }))).toMatchObject({
      kind: "release",
      restocked: false,
      quantity: 2,
    });
    expect(stockEventSchema.parse(ordered({ kind: "reserve", quantity: 2, valueCents: 1999, locationId: "wh" }))).toMatchObject({
      valueCents: 1999,
      locationId: "wh",
    });
  });
});
