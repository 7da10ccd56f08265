import { paginate } from "./connection";
import { decimalAmount, graphqlDateTime } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid, ID_BASE } from "./ids";
import { productHtml, sellable, type LocationRecord, type ProductRecord, type VariantRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";

/**
 * Admin API objects as plain values for graphql-js's default resolver (graphql-value.ts):
 * scalars are properties, fields with arguments (or that read live state) are functions of
 * `args`. `__typename` is set so abstract positions (`node`, `nodes`) resolve.
 */
type Args = Record<string, unknown>;

const inventoryLevelGid = (location: LocationRecord, variant: VariantRecord) =>
  `gid://shopify/InventoryLevel/${location.legacyId}?inventory_item_id=${variant.inventoryItemId}`;

export function locationNode(shop: ShopState, location: LocationRecord): GraphQLObject {
  return {
    __typename: "Location",
    id: location.gid,
    legacyResourceId: String(location.legacyId),
    name: location.name,
    isActive: location.active,
    isPrimary: location.priority === 0,
    isFulfillmentService: false,
    fulfillsOnlineOrders: true,
    hasActiveInventory: true,
    shipsInventory: true,
    activatable: false,
    deactivatable: true,
    deletable: false,
    addressVerified: true,
    hasUnfulfilledOrders: false,
    deactivatedAt: location.active ? null : graphqlDateTime(0),
    createdAt: graphqlDateTime(0),
    updatedAt: graphqlDateTime(0),
    address: {
      __typename: "LocationAddress",
      address1: null,
      address2: null,
      city: null,
      country: "United States",
      countryCode: "US",
      formatted: [location.name],
      latitude: null,
      longitude: null,
      phone: null,
      province: null,
      provinceCode: null,
      zip: null,
    },
    inventoryLevel: (args: Args) => {
      const variant = typeof args.inventoryItemId === "string" ? shop.catalog.variantByItemGid(args.inventoryItemId) : undefined;
      return variant ? inventoryLevelNode(shop, variant, location) : null;
    },
    inventoryLevels: (args: Args) =>
      paginate(
        shop.catalog.variants,
        args,
        (v) => v.inventoryItemId,
        (v) => inventoryLevelNode(shop, v, location),
      ),
  };
}

export function inventoryLevelNode(shop: ShopState, variant: VariantRecord, location: LocationRecord): GraphQLObject {
  const level = () => shop.inventory.level(variant.stockKey, location.id);
  return {
    __typename: "InventoryLevel",
    id: inventoryLevelGid(location, variant),
    isActive: true,
    canDeactivate: false,
    deactivationAlert: null,
    createdAt: graphqlDateTime(variant.product.createdAt),
    updatedAt: () => graphqlDateTime(level().updatedAt),
    item: () => inventoryItemNode(shop, variant),
    location: () => locationNode(shop, location),
    quantities: (args: Args) => {
      const names = Array.isArray(args.names) ? args.names.filter((n): n is string => typeof n === "string") : [];
      return names.map((name) => ({
        __typename: "InventoryQuantity",
        id: `gid://shopify/InventoryQuantity/${location.legacyId}?inventory_item_id=${variant.inventoryItemId}&name=${name}`,
        name,
        quantity: shop.inventory.quantity(variant.stockKey, location.id, name),
        updatedAt: graphqlDateTime(level().updatedAt),
      }));
    },
  };
}

/**
 * An item's levels skip deactivated locations unless `includeInactive: true` (schema:
 * InventoryItem.inventoryLevels / inventoryLevel `includeInactive`, default false).
 */
const levelLocations = (shop: ShopState, args: Args) => shop.catalog.locations.filter((l) => l.active || args.includeInactive === true);

export function inventoryItemNode(shop: ShopState, variant: VariantRecord): GraphQLObject {
  const locations = shop.catalog.locations;
  return {
    __typename: "InventoryItem",
    id: variant.inventoryItemGid,
    legacyResourceId: String(variant.inventoryItemId),
    sku: variant.sku,
    tracked: variant.tracked,
    requiresShipping: true,
    duplicateSkuCount: () => shop.catalog.variantsBySku(variant.sku).length - 1,
    countryCodeOfOrigin: null,
    harmonizedSystemCode: null,
    provinceCodeOfOrigin: null,
    inventoryHistoryUrl: null,
    createdAt: graphqlDateTime(variant.product.createdAt),
    updatedAt: graphqlDateTime(variant.product.updatedAt),
    locationsCount: { __typename: "Count", count: locations.length, precision: "EXACT" },
    variant: () => variantNode(shop, variant),
    variants: (args: Args) =>
      paginate(
        [variant],
        args,
        (v) => v.id,
        (v) => variantNode(shop, v),
      ),
    inventoryLevel: (args: Args) => {
      const location = levelLocations(shop, args).find((l) => l.gid === args.locationId);
      return location ? inventoryLevelNode(shop, variant, location) : null;
    },
    inventoryLevels: (args: Args) =>
      paginate(
        levelLocations(shop, args),
        args,
        (l) => l.legacyId,
        (l) => inventoryLevelNode(shop, variant, l),
      ),
  };
}

export function variantNode(shop: ShopState, variant: VariantRecord): GraphQLObject {
  const product = variant.product;
  return {
    __typename: "ProductVariant",
    id: variant.gid,
    legacyResourceId: String(variant.id),
    sku: variant.sku,
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    price: decimalAmount(variant.priceCents, shop.catalog.currency),
    compareAtPrice: null,
    barcode: null,
    position: variant.position,
    taxable: true,
    inventoryPolicy: variant.inventoryPolicy,
    availableForSale: () => sellable(variant, shop.inventory.totalAvailable(variant.stockKey)),
    inventoryQuantity: () => shop.inventory.totalAvailable(variant.stockKey),
    sellableOnlineQuantity: () => Math.max(0, shop.inventory.totalAvailable(variant.stockKey)),
    selectedOptions: Object.entries(variant.options).map(([name, value]) => ({ __typename: "SelectedOption", name, value })),
    createdAt: graphqlDateTime(product.createdAt),
    updatedAt: graphqlDateTime(product.updatedAt),
    inventoryItem: () => inventoryItemNode(shop, variant),
    product: () => productNode(shop, product),
  };
}

export function productNode(shop: ShopState, product: ProductRecord): GraphQLObject {
  return {
    __typename: "Product",
    id: product.gid,
    legacyResourceId: String(product.id),
    title: product.title,
    handle: product.handle,
    description: product.description,
    descriptionHtml: productHtml(product),
    status: "ACTIVE",
    vendor: shop.shopName,
    productType: "",
    tags: [],
    tracksInventory: true,
    hasOnlyDefaultVariant: product.variants.length === 1,
    createdAt: graphqlDateTime(product.createdAt),
    updatedAt: graphqlDateTime(product.updatedAt),
    publishedAt: graphqlDateTime(product.createdAt),
    onlineStoreUrl: null,
    totalInventory: () => product.variants.reduce((sum, v) => sum + shop.inventory.totalAvailable(v.stockKey), 0),
    variantsCount: { __typename: "Count", count: product.variants.length, precision: "EXACT" },
    variants: (args: Args) =>
      paginate(
        product.variants,
        args,
        (v) => v.id,
        (v) => variantNode(shop, v),
      ),
  };
}

export function shopNode(shop: ShopState): GraphQLObject {
  return {
    __typename: "Shop",
    id: gid("Shop", ID_BASE.shop),
    name: shop.shopName,
    myshopifyDomain: shop.shopDomain,
    currencyCode: shop.catalog.currency,
    ianaTimezone: "America/New_York",
    timezoneAbbreviation: "EST",
    email: `owner@${shop.shopDomain}`,
    contactEmail: `owner@${shop.shopDomain}`,
    primaryDomain: { __typename: "Domain", id: gid("Domain", ID_BASE.shop), host: shop.shopDomain, url: `https://${shop.shopDomain}`, sslEnabled: true },
  };
}

/** `node(id:)` for the object types this emulator holds. */
export function nodeByGid(shop: ShopState, id: string): GraphQLObject | null {
  const variant = shop.catalog.variantByGid(id);
  if (variant) return variantNode(shop, variant);
  const item = shop.catalog.variantByItemGid(id);
  if (item) return inventoryItemNode(shop, item);
  const product = shop.catalog.productByGid(id);
  if (product) return productNode(shop, product);
  const location = shop.catalog.locationByGid(id);
  if (location) return locationNode(shop, location);
  return null;
}
