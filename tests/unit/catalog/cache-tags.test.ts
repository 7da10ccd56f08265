import { describe, expect, it } from "vitest";
import { CATALOG_TAG, handleTag, pathsForChange, productTag, tagsForChange } from "@/lib/catalog/cache-tags";
import { parseProductWebhook } from "@/lib/sources/shopify-products";
import { PayloadError } from "@/lib/sources/payload-error";

describe("which shells a product webhook makes stale", () => {
  it("products/update: that product's reads (PDP and every grid listing it), and its handle", () => {
    expect(tagsForChange({ topic: "products/update", productId: "9021188100001", handle: "classic-tee" })).toEqual([
      productTag("9021188100001"),
      handleTag("classic-tee"),
    ]);
  });
  it("products/create: lists and the handle's 404, not every product", () => {
    expect(tagsForChange({ topic: "products/create", productId: "1", handle: "new-thing" })).toEqual([CATALOG_TAG, handleTag("new-thing")]);
  });
  it("products/delete: the product's reads only", () => {
    expect(tagsForChange({ topic: "products/delete", productId: "7", handle: null })).toEqual([productTag("7")]);
  });
  it("re-renders the PDP and the home grid right away (home only when the handle is unknown)", () => {
    expect(pathsForChange({ topic: "products/update", productId: "1", handle: "mug" })).toEqual(["/products/mug", "/"]);
    expect(pathsForChange({ topic: "products/delete", productId: "1", handle: null })).toEqual(["/"]);
  });
});

describe("parseProductWebhook (Shopify's REST-shaped product bodies)", () => {
  it("reads id and handle; delete carries only the id", () => {
    expect(parseProductWebhook("products/update", { id: 9021188100001, handle: "classic-tee", title: "x", variants: [] })).toEqual({
      topic: "products/update",
      productId: "9021188100001",
      handle: "classic-tee",
    });
    expect(parseProductWebhook("products/delete", { id: 9021188100001 })).toEqual({ topic: "products/delete", productId: "9021188100001", handle: null });
  });
  it("is null for topics that are not about products", () => {
    expect(parseProductWebhook("orders/create", { id: 1 })).toBeNull();
  });
  it("names the bad field", () => {
    expect(() => parseProductWebhook("products/update", { id: 1 })).toThrow(PayloadError);
    expect(() => parseProductWebhook("products/create", { id: "abc", handle: "x" })).toThrow(expect.objectContaining({ field: "id" }));
    expect(() => parseProductWebhook("products/update", { id: 5, handle: "" })).toThrow(expect.objectContaining({ field: "handle" }));
  });
});
