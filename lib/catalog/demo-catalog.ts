import { z } from "zod";
import data from "./demo-catalog.json";
import { skuSchema } from "../domain/events";

/** The demo store's catalog. The Shopify emulator serves it; the local stack seeds its stock. */
export const catalogSchema = z.object({
  currency: z.string().length(3),
  locations: z.array(z.string()).min(1),
  products: z
    .array(
      z.object({
        handle: z.string().regex(/^[a-z0-9-]+$/),
        title: z.string(),
        description: z.string(),
        /** The merchant's HTML as written in the admin (any HTML); absent = a paragraph of `description`. */
        descriptionHtml: z.string().optional(),
        image: z.string(),
        imageAlt: z.string(),
        color: z.string(),
        variants: z
          .array(
            z.object({
              sku: skuSchema,
              title: z.string(),
              priceCents: z.number().int().min(0),
              options: z.record(z.string(), z.string()),
              image: z.string().optional(),
              /** CONTINUE = keeps selling when out of stock (Shopify's inventoryPolicy); default DENY. */
              inventoryPolicy: z.enum(["DENY", "CONTINUE"]).optional(),
              /** Whether Shopify tracks its quantities; default true. */
              tracked: z.boolean().optional(),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});
export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogProduct = Catalog["products"][number];

export const demoCatalog: Catalog = catalogSchema.parse(data);
export const demoSkus = (): string[] => demoCatalog.products.flatMap((p) => p.variants.map((v) => v.sku));
