import { z } from "zod";
import type { Catalog } from "../../lib/catalog/demo-catalog";
import { escapeHtml } from "../../lib/escape-html";
import { gid, ID_BASE } from "./ids";

/**
 * The shop's products, variants, inventory items and locations with Shopify ids, indexed
 * every way the APIs look them up. Product copy (title, description, price) is mutable: the
 * control API edits it to drive `products/update`.
 */
export interface LocationRecord {
  /** Our id (`wh-east`). */
  id: string;
  gid: string;
  legacyId: number;
  name: string;
  /** 0 = first choice when routing an online order. */
  priority: number;
  /** A deactivated location keeps its levels but takes no adjustments (control API). */
  active: boolean;
}

export interface ProductRecord {
  id: number;
  gid: string;
  handle: string;
  title: string;
  description: string;
  /** The merchant's own HTML, served as written (Shopify does not clean it); null = a paragraph of `description`. */
  descriptionHtml: string | null;
  image: string;
  imageAlt: string;
  imageId: number;
  variants: VariantRecord[];
  createdAt: number;
  updatedAt: number;
}

export interface VariantRecord {
  id: number;
  gid: string;
  sku: string;
  title: string;
  priceCents: number;
  options: Record<string, string>;
  /** Its own picture (a colour), else the product's. */
  image: string | null;
  /** 1-based within the product, as Shopify's `position`. */
  position: number;
  inventoryItemId: number;
  inventoryItemGid: string;
  /**
   * Where its levels live in InventoryState: the SKU, or `<sku>#<item id>` for a second item
   * with a SKU another item already has (Shopify does not enforce unique SKUs). Checkout and
   * orders see the first item of a SKU only.
   */
  stockKey: string;
  /** A tracked bundle parent: Shopify refuses API adjustments of it (NON_MUTABLE_INVENTORY_ITEM). */
  bundleParent: boolean;
  /** CONTINUE = "continue selling when out of stock": still for sale at 0 or below. */
  inventoryPolicy: "DENY" | "CONTINUE";
  /** An untracked item is always for sale, whatever its levels say. */
  tracked: boolean;
  product: ProductRecord;
  /** Catalog-wide index (stable id source). */
  index: number;
}

/** What the storefront and admin serve as `descriptionHtml` (body_html in webhooks). */
export const productHtml = (product: ProductRecord): string => product.descriptionHtml ?? `<p>${escapeHtml(product.description)}</p>`;

/**
 * Whether a variant can be sold now (`availableForSale`): also true at any level for a
 * continue-selling variant ("Customers can buy this product variant after it's out of stock",
 * https://shopify.dev/docs/api/admin-graphql/latest/enums/ProductVariantInventoryPolicy) and for
 * an untracked one (no quantity to run out of).
 */
export const sellable = (variant: VariantRecord, totalAvailable: number): boolean =>
  !variant.tracked || variant.inventoryPolicy === "CONTINUE" || totalAvailable > 0;

export const locationConfigSchema = z
  .array(
    z.object({
      id: z.string().min(1),
      gid: z.string().regex(/^gid:\/\/shopify\/Location\/\d{1,15}$/, "expected gid://shopify/Location/<number>"),
      name: z.string().min(1),
    }),
  )
  .min(1);

export class ShopCatalog {
  readonly products: ProductRecord[] = [];
  readonly variants: VariantRecord[] = [];
  readonly locations: LocationRecord[];
  readonly currency: string;
  private readonly bySku = new Map<string, VariantRecord>();
  private readonly byVariantGid = new Map<string, VariantRecord>();
  private readonly byItemGid = new Map<string, VariantRecord>();
  private readonly byStockKey = new Map<string, VariantRecord>();
  private readonly byHandle = new Map<string, ProductRecord>();
  private readonly byProductGid = new Map<string, ProductRecord>();
  private readonly byLocationGid = new Map<string, LocationRecord>();
  private readonly byLocationId = new Map<string, LocationRecord>();

  constructor(catalog: Catalog, locations: z.input<typeof locationConfigSchema>, createdAt: number) {
    this.currency = catalog.currency;
    this.locations = locationConfigSchema.parse(locations).map((l, priority) => ({ ...l, legacyId: Number(l.gid.split("/").pop()), priority, active: true }));
    for (const location of this.locations) {
      if (this.byLocationId.has(location.id) || this.byLocationGid.has(location.gid)) throw new Error(`duplicate location ${location.id} / ${location.gid}`);
      this.byLocationId.set(location.id, location);
      this.byLocationGid.set(location.gid, location);
    }
    for (const p of catalog.products) this.addProduct(p, createdAt);
  }

  /** Ids count up and are never reused, also after a delete (as on Shopify). */
  private productCount = 0;
  private variantCount = 0;

  /**
   * A product and its variants, indexed; the control API adds them after start (`products/create`).
   * `duplicateSkus`: a SKU another item holds is allowed (as on Shopify) and gets levels of its own.
   */
  addProduct(p: Catalog["products"][number], createdAt: number, duplicateSkus = false): ProductRecord {
    const i = this.productCount;
    const id = ID_BASE.product + i + 1;
    const product: ProductRecord = {
      id,
      gid: gid("Product", id),
      handle: p.handle,
      title: p.title,
      description: p.description,
      descriptionHtml: p.descriptionHtml ?? null,
      image: p.image,
      imageAlt: p.imageAlt,
      imageId: ID_BASE.productImage + i + 1,
      variants: [],
      createdAt,
      updatedAt: createdAt,
    };
    p.variants.forEach((v, position) => {
      const index = this.variantCount + position;
      const variantId = ID_BASE.variant + index + 1;
      const itemId = ID_BASE.inventoryItem + index + 1;
      product.variants.push({
        id: variantId,
        gid: gid("ProductVariant", variantId),
        sku: v.sku,
        title: v.title,
        priceCents: v.priceCents,
        options: { ...v.options },
        image: v.image ?? null,
        position: position + 1,
        inventoryItemId: itemId,
        inventoryItemGid: gid("InventoryItem", itemId),
        stockKey: duplicateSkus && this.bySku.has(v.sku) ? `${v.sku}#${itemId}` : v.sku,
        bundleParent: false,
        inventoryPolicy: v.inventoryPolicy ?? "DENY",
        tracked: v.tracked ?? true,
        product,
        index,
      });
    });
    this.adopt(product);
    this.productCount++;
    this.variantCount += product.variants.length;
    return product;
  }

  /** Lists a product record built elsewhere (a restarted shop's saved catalog), ids as they are. */
  adopt(product: ProductRecord): ProductRecord {
    if (this.byHandle.has(product.handle)) throw new Error(`duplicate product handle ${product.handle}`);
    for (const v of product.variants) if (v.stockKey === v.sku && this.bySku.has(v.sku)) throw new Error(`duplicate sku ${v.sku}`);
    this.products.push(product);
    this.byHandle.set(product.handle, product);
    this.byProductGid.set(product.gid, product);
    for (const variant of product.variants) {
      this.variants.push(variant);
      if (variant.stockKey === variant.sku) this.bySku.set(variant.sku, variant);
      this.byVariantGid.set(variant.gid, variant);
      this.byItemGid.set(variant.inventoryItemGid, variant);
      this.byStockKey.set(variant.stockKey, variant);
    }
    return product;
  }

  /** How many product and variant ids were ever handed out, deleted ones included (saved so ids are never reused). */
  get idCounts(): { products: number; variants: number } {
    return { products: this.productCount, variants: this.variantCount };
  }

  /** A restarted shop goes on counting where it stopped (a deleted product's ids stay used). */
  resumeIdCounts(counts: { products: number; variants: number }): void {
    this.productCount = Math.max(this.productCount, counts.products);
    this.variantCount = Math.max(this.variantCount, counts.variants);
  }

  /** Unlists a product and its variants (`products/delete`). */
  removeProduct(handle: string): ProductRecord | undefined {
    const product = this.byHandle.get(handle);
    if (!product) return undefined;
    this.products.splice(this.products.indexOf(product), 1);
    this.byHandle.delete(handle);
    this.byProductGid.delete(product.gid);
    for (const v of product.variants) {
      this.variants.splice(this.variants.indexOf(v), 1);
      if (this.bySku.get(v.sku) === v) this.bySku.delete(v.sku);
      this.byVariantGid.delete(v.gid);
      this.byItemGid.delete(v.inventoryItemGid);
      this.byStockKey.delete(v.stockKey);
    }
    return product;
  }

  variantBySku = (sku: string): VariantRecord | undefined => this.bySku.get(sku);
  variantByGid = (id: string): VariantRecord | undefined => this.byVariantGid.get(id);
  variantByItemGid = (id: string): VariantRecord | undefined => this.byItemGid.get(id);
  variantByStockKey = (key: string): VariantRecord | undefined => this.byStockKey.get(key);
  productByHandle = (handle: string): ProductRecord | undefined => this.byHandle.get(handle);
  productByGid = (id: string): ProductRecord | undefined => this.byProductGid.get(id);
  locationByGid = (id: string): LocationRecord | undefined => this.byLocationGid.get(id);
  locationById = (id: string): LocationRecord | undefined => this.byLocationId.get(id);
  /** Every item holding this SKU, the first one first. */
  variantsBySku = (sku: string): VariantRecord[] => this.variants.filter((v) => v.sku === sku);
  skus = (): string[] => this.variants.filter((v) => v.stockKey === v.sku).map((v) => v.sku);
}
