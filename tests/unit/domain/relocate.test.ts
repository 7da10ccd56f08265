import { describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { stockEventSchema } from "@/lib/domain/events";
import { applyAll, applyEvent, emptySkuState } from "@/lib/domain/projection";

/** `relocate`: Shopify's routing moves a line's outstanding reservation to the routed location. */
const at = "2026-11-27T10:00:00.000Z";
const base = { sku: "DWN-BLK-M", occurredAt: at, source: "shopify", sourceUri: "shopify://orders/1" } as const;
const lineKey = "shopify:1001:2001";
const reserve: StockEvent = { ...base, id: "shopify:reserve:1001:2001", kind: "reserve", channel: "shopify", lineKey, quantity: 2 };
const route = (loc: string, routedAt: number, id = `shopify:route:1001:2001:${loc}:${routedAt}`): StockEvent => ({
  ...base,
  id,
  kind: "relocate",
  channel: "shopify",
  lineKey,
  locationId: loc,
  routedAt,
});
const pick: StockEvent = { ...base, id: "wms:p1", source: "wms", sourceUri: "wms://p1", kind: "pick", locationId: "wh-west", quantity: 2, lineKey };
const stock: StockEvent = { ...base, id: "wms:r1", source: "wms", sourceUri: "wms://r1", kind: "receipt", locationId: "wh-west", quantity: 5 };

/** Reserved per location without the zero entries a line leaves behind when it moves on. */
const held = (reserved: Record<string, number>) => Object.fromEntries(Object.entries(reserved).filter(([, n]) => n !== 0));

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe("relocate (fulfillment order routing)", () => {
  it("is a valid stock event and rejects a routedAt the apply script could not store exactly", () => {
    expect(stockEventSchema.safeParse(route("wh-west", 1_764_236_400_000)).success).toBe(true);
    expect(stockEventSchema.safeParse({ ...route("wh-west", 1), routedAt: 10 ** 15 }).success).toBe(false);
  });

  it("moves an unassigned online reservation to the routed location, without touching on-hand or the channel's count", () => {
    const reserved = applyEvent(emptySkuState(), reserve).state;
    expect(reserved.projection).toMatchObject({ unassigned: 2, onHand: {} });
    const routed = applyEvent(reserved, route("wh-west", 100));
    expect(routed.lineDelta).toBe(0);
    expect(routed.state.projection).toEqual({ onHand: {}, reserved: { "wh-west": 2 }, unassigned: 0 });
  });

  it("the newest routing wins (a move), in any delivery order, with a pick before or after", () => {
    const events = [stock, reserve, route("wh-east", 100), route("wh-west", 200)];
    for (const order of permutations(events)) {
      const p = applyAll(emptySkuState(), order).projection;
      expect({ ...p, reserved: held(p.reserved) }, order.map((e) => e.id).join(" → ")).toEqual({
        onHand: { "wh-west": 5 },
        reserved: { "wh-west": 2 },
        unassigned: 0,
      });
    }
    for (const order of permutations([...events, pick])) {
      const p = applyAll(emptySkuState(), order).projection;
      expect(p.onHand, order.map((e) => e.id).join(" → ")).toEqual({ "wh-west": 3 });
      expect(p.unassigned + Object.values(p.reserved).reduce((a, b) => a + b, 0)).toBe(0);
    }
  });

  it("breaks a tie of routedAt by id, and a duplicate routing changes nothing", () => {
    const a = route("wh-east", 100, "shopify:route:a");
    const b = route("wh-west", 100, "shopify:route:b");
    expect(applyAll(emptySkuState(), [reserve, b, a]).projection.reserved).toEqual({ "wh-west": 2 });
    expect(held(applyAll(emptySkuState(), [reserve, a, b]).projection.reserved)).toEqual({ "wh-west": 2 });
    const once = applyAll(emptySkuState(), [reserve, b]);
    expect(applyEvent(once, b)).toMatchObject({ effect: "duplicate", lineDelta: 0 });
  });
});
