import { describe, expect, it } from "vitest";
import { batchKey } from "@/lib/channels/plan";
import { refusalOf } from "@/lib/shopify/adjust-refusal";

/** What inventoryAdjustQuantities' user errors mean (schema InventoryAdjustQuantitiesUserErrorCode). */
describe("refusalOf", () => {
  it("per-item codes name their changes by index; the first error of an item wins", () => {
    expect(
      refusalOf([
        { field: ["input", "changes", "3", "inventoryItemId"], message: "not allowed", code: "NON_MUTABLE_INVENTORY_ITEM" },
        { field: ["input", "changes", "0", "locationId"], message: "could not be found", code: "INVALID_LOCATION" },
        { field: ["input", "changes", "3", "locationId"], message: "could not be found", code: "INVALID_LOCATION" },
      ]),
    ).toEqual({
      kind: "items",
      changes: [
        { index: 0, code: "INVALID_LOCATION", message: "could not be found" },
        { index: 3, code: "NON_MUTABLE_INVENTORY_ITEM", message: "not allowed" },
      ],
    });
  });

  it.each(["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "ADJUST_QUANTITIES_FAILED"])("%s: known not applied, a fresh key", (code) => {
    expect(refusalOf([{ field: null, message: "m", code }])).toEqual({ kind: "not_applied", code, message: "m" });
  });

  it.each(["IDEMPOTENCY_CONCURRENT_REQUEST", "SERVICE_UNAVAILABLE"])("%s: the same key again", (code) => {
    expect(refusalOf([{ field: null, message: "m", code }])).toEqual({ kind: "retry" });
  });

  it("an error about the whole input is refused for good, with every code and message", () => {
    expect(refusalOf([{ field: ["input", "reason"], message: "The specified reason is invalid.", code: "INVALID_REASON" }])).toEqual({
      kind: "failure",
      message: "INVALID_REASON: The specified reason is invalid.",
    });
  });
});

describe("batchKey attempts", () => {
  const items = [{ sku: "A", location: "wh-east", from: 1, to: 3, version: 7 }];
  it("attempt 0 is the deterministic key; each later attempt of the same changes gets another", () => {
    expect(batchKey("shopify", items, 0)).toBe(batchKey("shopify", items));
    const keys = [0, 1, 2, 3].map((a) => batchKey("shopify", items, a));
    expect(new Set(keys).size).toBe(4);
    expect(batchKey("shopify", items, 2)).toBe(batchKey("shopify", items, 2));
  });
});
