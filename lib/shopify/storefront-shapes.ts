import type { CurrencyCode } from "@shopify/hydrogen-react/storefront-api-types";
import { z } from "zod";

/**
 * Wire shapes of the Storefront documents (only the fields we ask for) and `reshape*`
 * helpers to the storefront's own types. zod keeps a surprise from Shopify from reaching a
 * page as `undefined`.
 */
const currencyCodeSchema = z.custom<CurrencyCode>((value) => typeof value === "string" && /^[A-Z]{3}$/.test(value), "expected an ISO 4217 currency code");
export const moneySchema = z.object({ amount: z.string(), currencyCode: currencyCodeSchema });
export type Money = z.infer<typeof moneySchema>;

export const imageSchema = z.object({
  url: z.string(),
  altText: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type ProductImage = z.infer<typeof imageSchema>;

export const variantSchema = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  title: z.string(),
  price: moneySchema,
  image: imageSchema.nullable(),
  selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })),
});
export type Variant = z.infer<typeof variantSchema>;

const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const variantsPageSchema = z.object({ nodes: z.array(variantSchema), pageInfo: pageInfoSchema });
export type VariantsPage = z.infer<typeof variantsPageSchema>;

const productCardWire = z.object({
  id: z.string(),
  handle: z.string(),
  title: z.string(),
  featuredImage: imageSchema.nullable(),
  priceRange: z.object({ minVariantPrice: moneySchema, maxVariantPrice: moneySchema }),
  variants: variantsPageSchema,
});

/** Variants past the first page, by product id (storefront.ts pages them in). */
export const productVariantsResponseSchema = z.object({ product: z.object({ variants: variantsPageSchema }).nullable() });

const productDetailWire = productCardWire.extend({
  description: z.string(),
  descriptionHtml: z.string(),
  updatedAt: z.string(),
  seo: z.object({ title: z.string().nullable(), description: z.string().nullable() }),
  options: z.array(z.object({ name: z.string(), optionValues: z.array(z.object({ name: z.string() })) })),
});

export const productResponseSchema = z.object({ product: productDetailWire.nullable() });
export const collectionResponseSchema = z.object({
  collection: z
    .object({
      id: z.string(),
      handle: z.string(),
      title: z.string(),
      description: z.string(),
      products: z.object({ nodes: z.array(productCardWire), pageInfo: pageInfoSchema }),
    })
    .nullable(),
});

/**
 * A product as the storefront renders it. Variants stay in the Storefront's connection shape
 * (`variants.nodes`) because hydrogen-react's ProductProvider reads exactly that.
 */
export type ProductCard = z.infer<typeof productCardWire> & { legacyId: string; skus: string[] };
export type ProductDetail = z.infer<typeof productDetailWire> & { legacyId: string; skus: string[] };

/** `gid://shopify/Product/123` → `123` (what webhooks carry and what the URL shows). */
export function legacyId(gid: string): string {
  const match = /\/(\d+)$/.exec(gid);
  if (!match?.[1]) throw new Error(`not a Shopify gid: ${gid}`);
  return match[1];
}

const skusOf = (variants: Variant[]): string[] => variants.flatMap((v) => (v.sku ? [v.sku] : []));

export function reshapeProduct<T extends z.infer<typeof productCardWire>>(product: T): T & { legacyId: string; skus: string[] } {
  return { ...product, legacyId: legacyId(product.id), skus: skusOf(product.variants.nodes) };
}

const cartLineWire = z.object({
  id: z.string(),
  quantity: z.number().int(),
  cost: z.object({ totalAmount: moneySchema }),
  merchandise: variantSchema.extend({ product: z.object({ handle: z.string(), title: z.string() }) }),
});

export const cartWire = z.object({
  id: z.string(),
  checkoutUrl: z.string(),
  totalQuantity: z.number().int(),
  cost: z.object({ subtotalAmount: moneySchema, totalAmount: moneySchema }),
  lines: z.object({ nodes: z.array(cartLineWire) }),
});
export type Cart = Omit<z.infer<typeof cartWire>, "lines"> & { lines: z.infer<typeof cartLineWire>[] };
export type CartLine = Cart["lines"][number];

export const reshapeCart = (cart: z.infer<typeof cartWire>): Cart => ({ ...cart, lines: cart.lines.nodes });

export const cartUserErrorSchema = z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullable() });
export type CartUserError = z.infer<typeof cartUserErrorSchema>;

export const cartResponseSchema = z.object({ cart: cartWire.nullable() });
export const cartWarningSchema = z.object({ code: z.string(), message: z.string() });
export type CartWarning = z.infer<typeof cartWarningSchema>;
const cartPayload = z.object({ cart: cartWire.nullable(), userErrors: z.array(cartUserErrorSchema), warnings: z.array(cartWarningSchema) });
/** `{ <mutation>: { cart, userErrors } }` for one cart mutation. */
export const cartPayloadSchema = <K extends string>(field: K) => z.record(z.literal(field), cartPayload);
