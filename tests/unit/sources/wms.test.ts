import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stockEventSchema } from "@/lib/domain/events";
import { PayloadError } from "@/lib/sources/payload-error";
import { parseWmsPayload } from "@/lib/sources/wms";
import { mutationArbitrary, namesMutation } from "../../support/payload-mutations";

const event = (over: Record<string, unknown> = {}) => ({
  id: "evt-1",
  type: "receipt",
  sku: "TEE-BLK-M",
  locationId: "wh-east",
  quantity: 4,
  occurredAt: "2026-11-27T10:00:00Z",
  ...over,
});
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
      {
        id: "wms:evt-1",
        kind: "receipt",
        sku: "TEE-BLK-M",
        locationId: "wh-east",
        quantity: 4,
        occurredAt: "2026-11-27T10:00:00Z",
        source: "wms",
        sourceUri: "wms://events/evt-1",
      },
    ]);
  });

  it("turns the order reference of a pick into the reservation's line key", () => {
    expect(parseWmsPayload(event({ type: "pick", orderId: "shopify:1001", lineId: "7" }))[0]).toMatchObject({ kind: "pick", lineKey: "shopify:1001:7" });
    expect(parseWmsPayload(event({ type: "short_pick", orderId: "A-9", lineId: "1", channel: "marketplace" }))[0]).toMatchObject({
      lineKey: "marketplace:A-9:1",
    });
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
    [event({ sku: "   " }), "sku"],
    [event({ sku: "X".repeat(256) }), "sku"],
    [event({ sku: "A\uD800" }), "sku"],
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

  it("a valid event or batch with one field dropped, retyped or shifted: valid events, or a PayloadError naming that field", () => {
    const keys = new Set(["events", "id", "type", "sku", "locationId", "quantity", "occurredAt", "orderId", "lineId", "channel"]);
    const pick = event({ id: "evt-2", type: "pick", quantity: 1, orderId: "shopify:1001", lineId: "7", channel: "shopify" });
    const bodies = fc.oneof(
      mutationArbitrary([event(), pick], keys),
      mutationArbitrary([{ events: [event(), pick] }], keys, (p) => p.length > 1),
    );
    const fields = new Set<string>();
    fc.assert(
      fc.property(bodies, (mutation) => {
        const field = fieldOf(mutation.body);
        if (field === null) for (const e of parseWmsPayload(mutation.body)) expect(stockEventSchema.parse(e)).toEqual(e);
        else {
          expect(namesMutation(field, mutation)).toBe(true);
          fields.add(field.replace(/^events\.\d+\./, ""));
        }
      }),
      { numRuns: 1_000 },
    );
    // The field checks were reached, not only the first one.
    expect([...fields]).toEqual(expect.arrayContaining(["id", "type", "sku", "locationId", "quantity", "occurredAt", "orderId", "lineId"]));
  });
});
