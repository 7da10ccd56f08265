import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stockEventSchema } from "@/lib/domain/events";
import { PayloadError } from "@/lib/sources/payload-error";
import { shopifySource } from "@/lib/sources/webhook-sources";
import { stackPolicy } from "@/tests/support/test-policy";

/**
 * Order edits reach the stock layer through `orders/updated`: the order as it is now, whose
 * line items (added ones included) and refunds (an edit's removals are refund lines without a
 * transaction) carry SKUs and restock types. `orders/edited` carries only ids and deltas.
 * Fixtures: bodies the Shopify emulator sent for one edit (add 2, remove 1 restocked, remove 1 not).
 */
type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../fixtures/shopify", name), "utf8")) as Json;
const parse = (topic: string, body: unknown) => shopifySource.parse(new Headers({ "x-shopify-topic": topic }), body, { policy: stackPolicy() });

const ORDER = "6524199005322";
const KEPT = "16138219005993";
const DROPPED = "16138219008975";
const ADDED = "16138219011178";

describe("orders/updated (order edits)", () => {
  it("reserves every line under the orders/create effect id and releases every refund line under the refunds/create one", () => {
    const events = parse("orders/updated", fixture("orders-updated-edit.json"));
    expect(events).toEqual([
      expect.objectContaining({ id: `shopify:reserve:${ORDER}:${KEPT}`, kind: "reserve", sku: "LOAD-0-0", quantity: 3, lineKey: `shopify:${ORDER}:${KEPT}` }),
      expect.objectContaining({ id: `shopify:reserve:${ORDER}:${DROPPED}`, kind: "reserve", sku: "LOAD-0-1", quantity: 2 }),
      expect.objectContaining({ id: `shopify:reserve:${ORDER}:${ADDED}`, kind: "reserve", sku: "LOAD-1-0", quantity: 2, lineKey: `shopify:${ORDER}:${ADDED}` }),
      expect.objectContaining({
        id: "shopify:refund:1009817002154:681023001314",
        kind: "release",
        sku: "LOAD-0-0",
        quantity: 1,
        lineKey: `shopify:${ORDER}:${KEPT}`,
      }),
      expect.objectContaining({ id: "shopify:refund:1009817002154:681023002931", kind: "release", sku: "LOAD-0-1", quantity: 1, restocked: false }),
    ]);
    const restocked = events?.[3];
    expect(restocked && "restocked" in restocked ? restocked.restocked : undefined).toBeUndefined();
    for (const event of events ?? []) expect(stockEventSchema.parse(event)).toEqual(event);
  });

  it("is the same events on every redelivery (effect ids come from Shopify's ids, not the delivery)", () => {
    expect(parse("orders/updated", fixture("orders-updated-edit.json"))).toEqual(parse("orders/updated", fixture("orders-updated-edit.json")));
  });

  it("an order with no refunds yields only its reserves, which orders/create yields too", () => {
    const body = fixture("orders-updated-edit.json");
    body.refunds = [];
    expect(parse("orders/updated", body)?.map((e) => e.kind)).toEqual(["reserve", "reserve", "reserve"]);
    expect(parse("orders/updated", body)).toEqual(parse("orders/create", body));
  });

  it("a malformed refund inside the order is a PayloadError naming the field", () => {
    const body = fixture("orders-updated-edit.json");
    ((body.refunds as Json[])[0]!.refund_line_items as Json[])[0]!.quantity = -1;
    expect(() => parse("orders/updated", body)).toThrow(PayloadError);
    try {
      parse("orders/updated", body);
    } catch (error) {
      expect((error as PayloadError).field).toMatch(/^refunds\.0\.refund_line_items\.0\.quantity/);
    }
  });

  it("orders/edited alone is not read: it names lines by id only (no SKU, no restock)", () => {
    const edit = fixture("orders-edited.json").order_edit as Json;
    expect(Object.keys(edit.line_items as Json)).toEqual(["additions", "removals"]);
    expect(parse("orders/edited", fixture("orders-edited.json"))).toBeNull();
  });
});
