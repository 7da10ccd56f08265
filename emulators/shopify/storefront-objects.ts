import { paginate } from "./connection";
import { graphqlDateTime, storefrontDecimal } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid, ID_BASE } from "./ids";
import { GraphQLError } from "graphql";
import { productHtml, sellable, type ProductRecord, type VariantRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";

/**
 * Storefront API objects from the catalog. Stock numbers (`availableForSale`,
 * `quantityAvailable`, `storeAvailability`) read the emulator's own `available`, summed over
 * locations, at request time.
 */
type Args = Record<string, unknown>;

/**
 * Quantities need the `unauthenticated_read_product_inventory` scope; without it Shopify
 * answers the field with null and an ACCESS_DENIED error, the rest of the data as usual
 * (https://shopify.dev/docs/api/storefront/latest/objects/ProductVariant#field-quantityAvailable).
 */
const INVENTORY_SCOPE = "unauthenticated_read_product_inventory";
const inventoryRead =
  <T>(shop: ShopState, field: string, read: () => T) =>
  (): T => {
    if (!shop.storefrontInventoryScope)
      throw new GraphQLError(`Access denied for ${field} field. Required access: \`${INVENTORY_SCOPE}\` access scope.`, {
        extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes" },
      });
    return read();
  };

export const ALL_COLLECTION = { handle: "all", title: "All products", id: ID_BASE.collection + 1 };

const money = (shop: ShopState, minor: number) => ({
  __typename: "MoneyV2",
  amount: storefrontDecimal(minor, shop.catalog.currency),
  currencyCode: shop.catalog.currency,
});

function imageOf(product: ProductRecord, variant?: VariantRecord): GraphQLObject {
  const src = variant?.image ?? product.image;
  return {
    __typename: "Image",
    id: gid("ProductImage", variant?.image ? product.imageId * 100 + variant.position : product.imageId),
    url: () => src,
    src,
    originalSrc: src,
    transformedSrc: () => src,
    altText: product.imageAlt,
    width: 1200,
    height: 1200,
    thumbhash: null,
  };
}

const optionNames = (product: ProductRecord): string[] => [...new Set(product.variants.flatMap((v) => Object.keys(v.options)))];

function matchesOptions(variant: VariantRecord, selected: unknown): boolean {
  if (!Array.isArray(selected)) return false;
  return selected.every((s) => s !== null && typeof s === "object" && "name" in s && "value" in s && variant.options[String(s.name)] === String(s.value));
}

export function storefrontVariant(shop: ShopState, variant: VariantRecord): GraphQLObject {
  const total = () => shop.inventory.totalAvailable(variant.sku);
  return {
    __typename: "ProductVariant",
    id: variant.gid,
    sku: variant.sku,
    title: variant.title,
    availableForSale: () => sellable(variant, total()),
    // "Continue selling when out of stock" and nothing left.
    currentlyNotInStock: () => variant.tracked && variant.inventoryPolicy === "CONTINUE" && total() <= 0,
    quantityAvailable: inventoryRead(shop, "quantityAvailable", total),
    price: money(shop, variant.priceCents),
    priceV2: money(shop, variant.priceCents),
    compareAtPrice: null,
    compareAtPriceV2: null,
    unitPrice: null,
    barcode: null,
    requiresShipping: true,
    requiresComponents: false,
    taxable: true,
    weight: 0,
    weightUnit: "KILOGRAMS",
    quantityRule: { __typename: "QuantityRule", minimum: 1, maximum: null, increment: 1 },
    selectedOptions: Object.entries(variant.options).map(([name, value]) => ({ __typename: "SelectedOption", name, value })),
    image: imageOf(variant.product, variant),
    product: () => storefrontProduct(shop, variant.product),
    storeAvailability: (args: Args) =>
      paginate(
        shop.catalog.locations,
        args,
        (l) => l.legacyId,
        (l) => {
          const available = shop.inventory.level(variant.sku, l.id).available;
          return {
            __typename: "StoreAvailability",
            available: available > 0,
            quantityAvailable: inventoryRead(shop, "quantityAvailable", () => available),
            pickUpTime: "Usually ready in 24 hours",
            location: { __typename: "Location", id: l.gid, name: l.name, address: { __typename: "LocationAddress", formatted: [l.name], countryCode: "US" } },
          };
        },
      ),
    sellingPlanAllocations: (args: Args) =>
      paginate(
        [],
        args,
        () => 0,
        () => null,
      ),
    components: (args: Args) =>
      paginate(
        [],
        args,
        () => 0,
        () => null,
      ),
  };
}

export function storefrontProduct(shop: ShopState, product: ProductRecord): GraphQLObject {
  const prices = product.variants.map((v) => v.priceCents);
  const variantNode = (v: VariantRecord) => storefrontVariant(shop, v);
  const forSale = (v: VariantRecord) => sellable(v, shop.inventory.totalAvailable(v.sku));
  const firstAvailable = () => product.variants.find(forSale) ?? product.variants[0];
  return {
    __typename: "Product",
    id: product.gid,
    handle: product.handle,
    title: product.title,
    description: (args: Args) =>
      typeof args.truncateAt === "number" && product.description.length > args.truncateAt
        ? `${product.description.slice(0, args.truncateAt)}…`
        : product.description,
    descriptionHtml: productHtml(product),
    vendor: shop.shopName,
    productType: "",
    tags: [],
    isGiftCard: false,
    requiresSellingPlan: false,
    onlineStoreUrl: null,
    createdAt: graphqlDateTime(product.createdAt),
    updatedAt: graphqlDateTime(product.updatedAt),
    publishedAt: graphqlDateTime(product.createdAt),
    seo: { __typename: "SEO", title: product.title, description: product.description },
    availableForSale: () => product.variants.some(forSale),
    totalInventory: inventoryRead(shop, "totalInventory", () => product.variants.reduce((sum, v) => sum + shop.inventory.totalAvailable(v.sku), 0)),
    featuredImage: imageOf(product),
    images: (args: Args) => paginate([product], args, (p) => p.imageId, imageOf),
    media: (args: Args) =>
      paginate(
        [product],
        args,
        (p) => p.imageId,
        (p) => ({
          __typename: "MediaImage",
          id: gid("MediaImage", p.imageId),
          alt: p.imageAlt,
          mediaContentType: "IMAGE",
          image: imageOf(p),
          previewImage: imageOf(p),
          presentation: null,
        }),
      ),
    priceRange: { __typename: "ProductPriceRange", minVariantPrice: money(shop, Math.min(...prices)), maxVariantPrice: money(shop, Math.max(...prices)) },
    compareAtPriceRange: { __typename: "ProductPriceRange", minVariantPrice: money(shop, 0), maxVariantPrice: money(shop, 0) },
    options: (args: Args) =>
      optionNames(product)
        .slice(0, typeof args.first === "number" ? args.first : undefined)
        .map((name, i) => {
          const values = [...new Set(product.variants.map((v) => v.options[name]).filter((v): v is string => v !== undefined))];
          return {
            __typename: "ProductOption",
            id: gid("ProductOption", ID_BASE.productOption + (product.id - ID_BASE.product) * 10 + i),
            name,
            values,
            optionValues: values.map((value) => ({
              __typename: "ProductOptionValue",
              id: gid("ProductOptionValue", `${product.id}${i}${values.indexOf(value)}`),
              name: value,
              swatch: null,
              firstSelectableVariant: null,
            })),
          };
        }),
    variants: (args: Args) => paginate(product.variants, args, (v) => v.id, variantNode),
    variantsCount: { __typename: "Count", count: product.variants.length, precision: "EXACT" },
    selectedOrFirstAvailableVariant: (args: Args) => {
      const chosen = product.variants.find((v) => matchesOptions(v, args.selectedOptions)) ?? firstAvailable();
      return chosen ? variantNode(chosen) : null;
    },
    variantBySelectedOptions: (args: Args) => {
      const chosen = product.variants.find((v) => matchesOptions(v, args.selectedOptions));
      return chosen ? variantNode(chosen) : null;
    },
    adjacentVariants: () => product.variants.map(variantNode),
    collections: (args: Args) =>
      paginate(
        [ALL_COLLECTION],
        args,
        (c) => c.id,
        () => storefrontCollection(shop),
      ),
    sellingPlanGroups: (args: Args) =>
      paginate(
        [],
        args,
        () => 0,
        () => null,
      ),
  };
}

export function storefrontCollection(shop: ShopState): GraphQLObject {
  return {
    __typename: "Collection",
    id: gid("Collection", ALL_COLLECTION.id),
    handle: ALL_COLLECTION.handle,
    title: ALL_COLLECTION.title,
    description: "",
    descriptionHtml: "",
    image: null,
    onlineStoreUrl: null,
    updatedAt: graphqlDateTime(Math.max(...shop.catalog.products.map((p) => p.updatedAt))),
    seo: { __typename: "SEO", title: ALL_COLLECTION.title, description: "" },
    products: (args: Args) =>
      paginate(
        shop.catalog.products,
        args,
        (p) => p.id,
        (p) => storefrontProduct(shop, p),
      ),
  };
}
