import type { z } from "zod";
import { cacheLife, cacheTag } from "next/cache";
import { CATALOG_TAG, collectionTag, handleTag, productTag } from "../catalog/cache-tags";
import { log } from "../log";
import { storefrontRequest } from "./storefront-client";
import {
  CART_CREATE_MUTATION,
  CART_LINES_ADD_MUTATION,
  CART_LINES_REMOVE_MUTATION,
  CART_LINES_UPDATE_MUTATION,
  CART_QUERY,
  COLLECTION_PRODUCTS_QUERY,
  PRODUCT_QUERY,
  PRODUCT_VARIANTS_QUERY,
} from "./storefront-documents";
import {
  cartPayloadSchema,
  cartResponseSchema,
  collectionResponseSchema,
  productResponseSchema,
  productVariantsResponseSchema,
  reshapeCart,
  reshapeProduct,
  type Cart,
  type CartUserError,
  type CartWarning,
  type ProductCard,
  type ProductDetail,
  type VariantsPage,
} from "./storefront-shapes";

/**
 * The storefront's Shopify facade (as lib/shopify in Next.js Commerce). Product shells are
 * cached for long and tagged per product; webhooks purge by tag. Carts are never cached.
 */

export async function getProduct(handle: string): Promise<ProductDetail | null> {
  "use cache";
  cacheLife("max");
  cacheTag(handleTag(handle));
  const { product } = await storefrontRequest(PRODUCT_QUERY, { handle }, productResponseSchema);
  if (!product) return null;
  const shaped = reshapeProduct({ ...product, variants: await allVariants(product.id, product.variants) });
  cacheTag(productTag(shaped.legacyId));
  return shaped;
}

export interface CollectionPage {
  handle: string;
  title: string;
  description: string;
  products: ProductCard[];
}

/** 40 products × 250 variants: no more nodes per answer than the old 100 × 100. */
const PAGE_SIZE = 40;

export async function getCollection(handle: string): Promise<CollectionPage | null> {
  "use cache";
  cacheLife("max");
  cacheTag(CATALOG_TAG, collectionTag(handle));
  const products: ProductCard[] = [];
  let after: string | null = null;
  let head: Omit<CollectionPage, "products"> | null = null;
  do {
    const { collection }: CollectionResponse = await readPage(handle, after);
    if (!collection) return null;
    head = { handle: collection.handle, title: collection.title, description: collection.description };
    for (const p of collection.products.nodes) products.push(reshapeProduct({ ...p, variants: await allVariants(p.id, p.variants) }));
    after = collection.products.pageInfo.hasNextPage ? collection.products.pageInfo.endCursor : null;
  } while (after);
  // Every product shown is a reason to re-render this grid (and only those are).
  cacheTag(...products.map((p) => productTag(p.legacyId)));
  return { ...head, products };
}

/** 2,048 variants at 250 a page; a product that still says "more" after that is cut off (and logged). */
const MAX_VARIANT_PAGES = Math.ceil(2_048 / 250);

/** The first page of a product's variants plus every later one (Shopify pages by 250 at most). */
async function allVariants(productId: string, first: VariantsPage): Promise<VariantsPage> {
  const nodes = [...first.nodes];
  let pageInfo = first.pageInfo;
  for (let page = 1; pageInfo.hasNextPage && pageInfo.endCursor; page++) {
    if (page >= MAX_VARIANT_PAGES) {
      log.warn("storefront.variants_cut_off", { productId, variants: nodes.length });
      break;
    }
    const { product } = await storefrontRequest(PRODUCT_VARIANTS_QUERY, { id: productId, after: pageInfo.endCursor }, productVariantsResponseSchema);
    if (!product) break;
    nodes.push(...product.variants.nodes);
    pageInfo = product.variants.pageInfo;
  }
  return { nodes, pageInfo };
}

type CollectionResponse = z.infer<typeof collectionResponseSchema>;
const readPage = (handle: string, after: string | null): Promise<CollectionResponse> =>
  storefrontRequest(COLLECTION_PRODUCTS_QUERY, { handle, first: PAGE_SIZE, after }, collectionResponseSchema);

export type CartResult = { cart: Cart | null; userErrors: CartUserError[]; warnings: CartWarning[] };

/** `buyerIp`: the shopper the cart call is for (lib/http/client-ip.ts), sent as Shopify-Storefront-Buyer-IP. */
export async function getCart(cartId: string, buyerIp: string | null = null): Promise<Cart | null> {
  const { cart } = await storefrontRequest(CART_QUERY, { cartId }, cartResponseSchema, buyerIp);
  return cart ? reshapeCart(cart) : null;
}

async function cartMutation<K extends string>(document: string, field: K, variables: Record<string, unknown>, buyerIp: string | null): Promise<CartResult> {
  const data = await storefrontRequest(document, variables, cartPayloadSchema(field), buyerIp);
  const payload = data[field];
  return { cart: payload.cart ? reshapeCart(payload.cart) : null, userErrors: payload.userErrors, warnings: payload.warnings };
}

export type LineInput = { merchandiseId: string; quantity: number };

export const createCart = (lines: LineInput[], buyerIp: string | null = null) => cartMutation(CART_CREATE_MUTATION, "cartCreate", { lines }, buyerIp);
export const addCartLines = (cartId: string, lines: LineInput[], buyerIp: string | null = null) =>
  cartMutation(CART_LINES_ADD_MUTATION, "cartLinesAdd", { cartId, lines }, buyerIp);
export const updateCartLines = (cartId: string, lines: { id: string; quantity: number }[], buyerIp: string | null = null) =>
  cartMutation(CART_LINES_UPDATE_MUTATION, "cartLinesUpdate", { cartId, lines }, buyerIp);
export const removeCartLines = (cartId: string, lineIds: string[], buyerIp: string | null = null) =>
  cartMutation(CART_LINES_REMOVE_MUTATION, "cartLinesRemove", { cartId, lineIds }, buyerIp);
