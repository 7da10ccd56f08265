import { decimalAmount, shopTimestamp } from "./format";
import { gid } from "./ids";
import { productHtml, type ProductRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";

/** The REST-shaped product body of `products/update` (API 2026-10). */
export function productPayload(shop: ShopState, product: ProductRecord) {
  const currency = shop.catalog.currency;
  const optionNames = [...new Set(product.variants.flatMap((v) => Object.keys(v.options)))].slice(0, 3);
  const image = {
    id: product.imageId,
    alt: product.imageAlt,
    position: 1,
    product_id: product.id,
    created_at: shopTimestamp(product.createdAt),
    updated_at: shopTimestamp(product.updatedAt),
    admin_graphql_api_id: gid("ProductImage", product.imageId),
    width: 1200,
    height: 1200,
    src: product.image,
    variant_ids: [],
  };
  return {
    admin_graphql_api_id: product.gid,
    body_html: productHtml(product),
    created_at: shopTimestamp(product.createdAt),
    handle: product.handle,
    id: product.id,
    product_type: "",
    published_at: shopTimestamp(product.createdAt),
    template_suffix: null,
    title: product.title,
    updated_at: shopTimestamp(product.updatedAt),
    vendor: shop.shopName,
    status: "active",
    published_scope: "global",
    tags: "",
    variants: product.variants.map((v) => ({
      admin_graphql_api_id: v.gid,
      barcode: null,
      compare_at_price: null,
      created_at: shopTimestamp(product.createdAt),
      id: v.id,
      inventory_policy: v.inventoryPolicy.toLowerCase(),
      position: v.position,
      price: decimalAmount(v.priceCents, currency),
      product_id: product.id,
      sku: v.sku,
      taxable: true,
      title: v.title,
      updated_at: shopTimestamp(product.updatedAt),
      option1: optionNames[0] !== undefined ? (v.options[optionNames[0]] ?? null) : v.title,
      option2: optionNames[1] !== undefined ? (v.options[optionNames[1]] ?? null) : null,
      option3: optionNames[2] !== undefined ? (v.options[optionNames[2]] ?? null) : null,
      image_id: null,
      inventory_item_id: v.inventoryItemId,
      inventory_quantity: shop.inventory.totalAvailable(v.sku),
      old_inventory_quantity: shop.inventory.totalAvailable(v.sku),
    })),
    options: optionNames.map((name, i) => ({
      name,
      id: product.id * 10 + i,
      product_id: product.id,
      position: i + 1,
      values: [...new Set(product.variants.map((v) => v.options[name]).filter((x): x is string => x !== undefined))],
    })),
    images: [image],
    image,
    media: [
      {
        id: product.imageId,
        product_id: product.id,
        position: 1,
        created_at: image.created_at,
        updated_at: image.updated_at,
        alt: product.imageAlt,
        status: "READY",
        media_content_type: "IMAGE",
        preview_image: { width: 1200, height: 1200, src: product.image, status: "READY" },
        variant_ids: [],
        admin_graphql_api_id: gid("MediaImage", product.imageId),
      },
    ],
    variant_gids: product.variants.map((v) => ({ admin_graphql_api_id: v.gid, updated_at: new Date(product.updatedAt).toISOString() })),
    has_variants_that_requires_components: false,
    category: null,
  };
}
