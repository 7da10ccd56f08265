/**
 * Cache tags of the product shells. Each cached read is tagged with every product it
 * shows, so a `products/update` for one product purges exactly the pages that render it
 * (its PDP and the grids listing it) and nothing else.
 */
export const CATALOG_TAG = "catalog";
export const productTag = (legacyId: string) => `product:${legacyId}`;
/** Also on a not-found read, so creating that handle brings the page to life. */
export const handleTag = (handle: string) => `product-handle:${handle}`;
export const collectionTag = (handle: string) => `collection:${handle}`;

export type CatalogChange =
  | { topic: "products/create"; productId: string; handle: string }
  | { topic: "products/update"; productId: string; handle: string }
  | { topic: "products/delete"; productId: string; handle: null };

/** Which tags a Shopify product webhook makes stale. */
export function tagsForChange(change: CatalogChange): string[] {
  switch (change.topic) {
    case "products/update":
      // A new handle may have been a 404 until now.
      return [productTag(change.productId), handleTag(change.handle)];
    case "products/create":
      // A new product is in no cached read yet, except lists and a 404 for its handle.
      return [CATALOG_TAG, handleTag(change.handle)];
    case "products/delete":
      return [productTag(change.productId)];
  }
}

/** Pages worth re-rendering right away so the next shopper gets the fresh shell. */
export function pathsForChange(change: CatalogChange): string[] {
  return change.handle === null ? ["/"] : [`/products/${change.handle}`, "/"];
}
