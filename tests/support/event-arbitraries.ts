import fc from "fast-check";
import type { StockEvent } from "@/lib/domain/events";

/** Random but valid event histories for one SKU, used by the property tests (unit and Redis). */

export const LOCATIONS = ["wh-east", "wh-west"] as const;
const LINES = ["shopify:1001:1", "shopify:1002:1", "marketplace:A-7:1", "pos:S-3:2"] as const;
// A handful of instants so that ties (same occurredAt) really happen.
const instant = fc.integer({ min: 0, max: 40 }).map((s) => new Date(Date.UTC(2026, 10, 27, 12, 0, s)).toISOString());

const common = (sku: string) => ({ sku: fc.constant(sku), occurredAt: instant, source: fc.constant("wms" as const), sourceUri: fc.constant("test://gen") });
const qty = fc.integer({ min: 0, max: 20 });

export const eventArbitrary = (sku: string): fc.Arbitrary<Omit<StockEvent, "id">> =>
  fc.oneof(
    fc.record({ ...common(sku), kind: fc.constant("receipt" as const), locationId: fc.constantFrom(...LOCATIONS), quantity: qty }),
    fc.record({ ...common(sku), kind: fc.constant("return" as const), locationId: fc.constantFrom(...LOCATIONS), quantity: qty }),
    fc.record({
      ...common(sku),
      kind: fc.constant("adjustment" as const),
      locationId: fc.constantFrom(...LOCATIONS),
      quantity: fc.integer({ min: -10, max: 10 }),
    }),
    fc.record(
      { ...common(sku), kind: fc.constant("pick" as const), locationId: fc.constantFrom(...LOCATIONS), quantity: qty, lineKey: fc.constantFrom(...LINES) },
      { requiredKeys: ["sku", "occurredAt", "source", "sourceUri", "kind", "locationId", "quantity"] },
    ),
    fc.record({ ...common(sku), kind: fc.constant("cycle_count" as const), locationId: fc.constantFrom(...LOCATIONS), quantity: fc.integer({ min: 0, max: 60 }) }),
    fc.record({ ...common(sku), kind: fc.constant("short_pick" as const), locationId: fc.constantFrom(...LOCATIONS), quantity: qty, lineKey: fc.constantFrom(...LINES) }),
    fc.record(
      {
        ...common(sku),
        source: fc.constant("shopify" as const),
        kind: fc.constant("reserve" as const),
        channel: fc.constant("shopify" as const),
        lineKey: fc.constantFrom(...LINES),
        quantity: qty,
        locationId: fc.constantFrom(...LOCATIONS),
      },
      { requiredKeys: ["sku", "occurredAt", "source", "sourceUri", "kind", "channel", "lineKey", "quantity"] },
    ),
    fc.record({ ...common(sku), source: fc.constant("shopify" as const), kind: fc.constant("release" as const), channel: fc.constant("shopify" as const), lineKey: fc.constantFrom(...LINES), quantity: qty }),
    fc.record({ ...common(sku), source: fc.constant("shopify" as const), kind: fc.constant("cancel_line" as const), channel: fc.constant("shopify" as const), lineKey: fc.constantFrom(...LINES) }),
  ) as fc.Arbitrary<Omit<StockEvent, "id">>;

/** A history with unique effect ids. */
export const historyArbitrary = (sku: string, maxLength = 40): fc.Arbitrary<StockEvent[]> =>
  fc.array(eventArbitrary(sku), { maxLength }).map((events) => events.map((e, i) => ({ ...e, id: `${sku}-e${i}` }) as StockEvent));

/** The same history delivered at least once each, some twice or three times, in any order. */
export const deliveryArbitrary = (history: StockEvent[]): fc.Arbitrary<StockEvent[]> =>
  fc
    .array(fc.integer({ min: 1, max: 3 }), { minLength: history.length, maxLength: history.length })
    .map((copies) => history.flatMap((event, i) => Array.from({ length: copies[i] ?? 1 }, () => event)))
    .chain((all) => fc.shuffledSubarray(all, { minLength: all.length }));

/** Projections compare equal when they differ only by zero entries. */
export const normalizeProjection = (p: { onHand: Record<string, number>; reserved: Record<string, number>; unassigned: number }) => ({
  onHand: Object.fromEntries(Object.entries(p.onHand).filter(([, n]) => n !== 0).sort()),
  reserved: Object.fromEntries(Object.entries(p.reserved).filter(([, n]) => n !== 0).sort()),
  unassigned: p.unassigned,
});
