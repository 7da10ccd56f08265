import { inventoryItemNode, locationNode, nodeByGid, productNode, shopNode, variantNode } from "./admin-objects";
import { paginate } from "./connection";
import { searchFilter } from "./search-query";
import type { ProductRecord, VariantRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";

/** Admin QueryRoot fields this emulator serves (the rest resolve to null, as if empty). */
type Args = Record<string, unknown>;
export type RootResolver = (args: Args) => unknown;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** `sku:` is word-matched, not exact (search-query.ts). */
const TOKENIZED = new Set(["sku"]);

const variantSearch = (query: string | undefined) =>
  searchFilter<VariantRecord>(
    query,
    {
      sku: (v) => [v.sku],
      id: (v) => [String(v.id)],
      product_id: (v) => [String(v.product.id)],
      title: (v) => [v.title],
      inventory_item_id: (v) => [String(v.inventoryItemId)],
    },
    (v) => [v.sku, v.title, v.product.title],
    TOKENIZED,
  );

const productSearch = (query: string | undefined) =>
  searchFilter<ProductRecord>(
    query,
    { handle: (p) => [p.handle], title: (p) => [p.title], id: (p) => [String(p.id)], sku: (p) => p.variants.map((v) => v.sku), status: () => ["active"] },
    (p) => [p.title, p.handle, ...p.variants.map((v) => v.sku)],
  );

export function adminQueries(shop: ShopState): Record<string, RootResolver> {
  const { catalog } = shop;
  return {
    shop: () => shopNode(shop),
    node: (args) => nodeByGid(shop, str(args.id) ?? ""),
    nodes: (args) => (Array.isArray(args.ids) ? args.ids.map((id) => nodeByGid(shop, str(id) ?? "")) : []),
    productVariant: (args) => {
      const variant = catalog.variantByGid(str(args.id) ?? "");
      return variant ? variantNode(shop, variant) : null;
    },
    productVariants: (args) =>
      paginate(
        catalog.variants.filter(variantSearch(str(args.query))),
        args,
        (v) => v.id,
        (v) => variantNode(shop, v),
      ),
    product: (args) => {
      const product = catalog.productByGid(str(args.id) ?? "");
      return product ? productNode(shop, product) : null;
    },
    productByHandle: (args) => {
      const product = catalog.productByHandle(str(args.handle) ?? "");
      return product ? productNode(shop, product) : null;
    },
    products: (args) =>
      paginate(
        catalog.products.filter(productSearch(str(args.query))),
        args,
        (p) => p.id,
        (p) => productNode(shop, p),
      ),
    inventoryItem: (args) => {
      const variant = catalog.variantByItemGid(str(args.id) ?? "");
      return variant ? inventoryItemNode(shop, variant) : null;
    },
    inventoryItems: (args) =>
      paginate(
        catalog.variants.filter(
          searchFilter<VariantRecord>(str(args.query), { sku: (v) => [v.sku], id: (v) => [String(v.inventoryItemId)] }, (v) => [v.sku], TOKENIZED),
        ),
        args,
        (v) => v.inventoryItemId,
        (v) => inventoryItemNode(shop, v),
      ),
    location: (args) => {
      const id = str(args.id);
      const location = id ? catalog.locationByGid(id) : catalog.locations[0];
      return location ? locationNode(shop, location) : null;
    },
    locations: (args) =>
      paginate(
        catalog.locations.filter(searchFilter(str(args.query), { name: (l) => [l.name], id: (l) => [String(l.legacyId)] }, (l) => [l.name])),
        args,
        (l) => l.legacyId,
        (l) => locationNode(shop, l),
      ),
  };
}
