import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadError } from "@/lib/sources/payload-error";
import { parseWmsPayload } from "@/lib/sources/wms";

const event = (over: Record<string, unknown> = {}) => ({ id: "evt-1", type: "receipt", sku: "TEE-BLK-M", locationId: "wh-east", quantity: 4, occurredAt: "2026-11-27T10:00:00Z", ...over });
const fieldOf = (body: unknown) => {
  try {
    parseWmsPayload(body);
    return null;
  } catch (error) {
    if (error instanceof PayloadError) return error.field;
    throw error;
  }
};

describe("WMS payloads", () => {
  it("maps one event to a normalized stock event with a namespaced effect id", () => {
    expect(parseWmsPayload(event())).toEqual([
      { id: "wms:evt-1", kind: "receipt", sku: "TEE-BLK-M", locationId: "wh-east", quantity: 4, occurredAt: "2026-11-27T10:00:00Z", source: "wms", sourceUri: "wms://events/evt-1" },
    ]);
  });

  it("turns the order reference of a pick into the reservation's line key", () => {
    expect(parseWmsPayload(event({ type: "pick", orderId: "shopify:1001", lineId: "7" }))[0]).toMatchObject({ kind: "pick", lineKey: "shopify:1001:7" });
    expect(parseWmsPayload(event({ type: "short_pick", orderId: "A-9", lineId: "1", channel: "marketplace" }))[0]).toMatchObject({ lineKey: "marketplace:A-9:1" });
  });

  it("accepts a batch of up to 500 and ignores unknown fields", () => {
    const events = Array.from({ length: 500 }, (_, i) => event({ id: `e${i}`, warehouseNote: "ignored" }));
    const parsed = parseWmsPayload({ events });
    expect(parsed).toHaveLength(500);
    expect(parsed[0]).not.toHaveProperty("warehouseNote");
    expect(fieldOf({ events: [...events, event()] })).toBe("events");
    expect(fieldOf({ events: [] })).toBe("events");
  });

  it.each([
    [event({ quantity: "4" }), "quantity"],
    [event({ quantity: 0 }), "quantity"],
    [event({ quantity: 2.5 }), "quantity"],
    [event({ type: "adjustment", quantity: 0 }), "quantity"],
    [event({ type: "cycle_count", quantity: -1 }), "quantity"],
    [event({ quantity: 10_000_000 }), "quantity"],
    [event({ sku: "" }), "sku"],
    [event({ sku: "A{B}" }), "sku"],
    [event({ sku: "A\u0000B" }), "sku"],
    [event({ sku: "'; DROP TABLE skus; --" }), "sku"],
    [event({ id: "has space" }), "id"],
    [event({ id: "a|b" }), "id"],
    [event({ occurredAt: "yesterday" }), "occurredAt"],
    [event({ locationId: undefined }), "locationId"],
    [event({ orderId: "1001" }), "lineId"],
    [{ events: [event(), event({ type: "nope" })] }, "events.1.type"],
    [null, "(body)"],
    ["text", "(body)"],
  ])("names the bad field (%#)", (body, field) => {
    expect(fieldOf(body)).toBe(field);
  });

  it("never throws anything but PayloadError, whatever it is given", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ events: fc.array(fc.jsonValue(), { maxLength: 5 }) }), fc.record({ id: fc.string(), type: fc.string(), sku: fc.string(), quantity: fc.integer() })), (body) => {
        try {
          parseWmsPayload(body);
        } catch (error) {
          expect(error).toBeInstanceOf(PayloadError);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
