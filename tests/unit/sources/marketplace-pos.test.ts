import { describe, expect, it } from "vitest";
import { parseMarketplacePayload } from "@/lib/sources/marketplace";
import { PayloadError } from "@/lib/sources/payload-error";
import { parsePosPayload } from "@/lib/sources/pos";

const notification = (type: string) => ({
  id: "n-1",
  type,
  occurredAt: "2026-11-27T10:00:00Z",
  order: { id: "A-77", lines: [{ id: "1", sku: "MUG-SND", quantity: 2, priceCents: 2200 }] },
});

describe("marketplace notifications", () => {
  it("an order reserves per line, keyed by channel, order and line", () => {
    expect(parseMarketplacePayload(notification("order.created"))).toEqual([
      expect.objectContaining({
        id: "marketplace:reserve:A-77:1",
        kind: "reserve",
        channel: "marketplace",
        lineKey: "marketplace:A-77:1",
        quantity: 2,
        valueCents: 4400,
      }),
    ]);
  });

  it("a cancellation releases the same line", () => {
    expect(parseMarketplacePayload(notification("order.cancelled"))[0]).toMatchObject({ kind: "cancel_line", lineKey: "marketplace:A-77:1" });
  });

  it("names the bad field", () => {
    const bad = { ...notification("order.created"), order: { id: "A-77", lines: [{ id: "1", sku: "MUG-SND", quantity: 0 }] } };
    expect(() => parseMarketplacePayload(bad)).toThrow(PayloadError);
    expect(() => parseMarketplacePayload(bad)).toThrow(/order\.lines\.0\.quantity/);
  });

  // Found by the mutation fuzz: a control or non-ASCII character in the order id broke the
  // derived effect id, and the 400 blamed `order.lines.0.id`, a field that was fine.
  it.each(["A-77\u0000", "Ä-77", "A 77"])("an order id the effect id cannot hold is blamed on order.id (%j)", (id) => {
    const bad = { ...notification("order.created"), order: { id, lines: [{ id: "1", sku: "MUG-SND", quantity: 2 }] } };
    expect(() => parseMarketplacePayload(bad)).toThrow(/^order\.id: /);
  });
});

describe("POS batches", () => {
  const batch = {
    batchId: "B-1",
    locationId: "wh-east",
    sales: [
      { id: "S-1", occurredAt: "2026-11-27T09:00:00Z", status: "completed", lines: [{ id: "1", sku: "TEE-BLK-M", quantity: 1 }] },
      { id: "S-2", occurredAt: "2026-11-27T09:05:00Z", status: "voided", lines: [{ id: "1", sku: "TEE-BLK-M", quantity: 1 }] },
    ],
  };

  it("a completed sale reserves at the store's location; a voided one cancels its line", () => {
    const events = parsePosPayload(batch);
    expect(events[0]).toMatchObject({ id: "pos:reserve:S-1:1", kind: "reserve", locationId: "wh-east", lineKey: "pos:S-1:1" });
    expect(events[1]).toMatchObject({ id: "pos:cancel:S-2:1", kind: "cancel_line", lineKey: "pos:S-2:1" });
  });

  it("names the bad field", () => {
    expect(() => parsePosPayload({ ...batch, sales: [{ ...batch.sales[0], occurredAt: "noon" }] })).toThrow(/sales\.0\.occurredAt/);
  });

  it("a sale id the effect id cannot hold is blamed on the sale's id, not its line's", () => {
    expect(() => parsePosPayload({ ...batch, sales: [{ ...batch.sales[0], id: "S-1\u0000" }] })).toThrow(/^sales\.0\.id: /);
    expect(() => parsePosPayload({ ...batch, sales: [{ ...batch.sales[0], lines: [{ id: "1\u0007", sku: "TEE-BLK-M", quantity: 1 }] }] })).toThrow(
      /^sales\.0\.lines\.0\.id: /,
    );
  });
});
