import { z } from "zod";
import type { CatalogChange } from "../catalog/cache-tags";
import { parseOrThrow } from "./parse";
import { shopifyIdSchema } from "./shopify";

/**
 * Shopify's product webhooks → which product changed. They move no stock; they tell the
 * storefront which cached shells are now stale. `products/delete` carries only the id.
 */
export const productTopicSchema = z.enum(["products/create", "products/update", "products/delete"]);

const handleSchema = z.string().min(1).max(255);
const productSchema = z.object({ id: shopifyIdSchema, handle: handleSchema });
const deletedSchema = z.object({ id: shopifyIdSchema });

/** `null` when the topic is not a product topic; throws PayloadError naming the bad field. */
export function parseProductWebhook(topic: string, body: unknown): CatalogChange | null {
  const known = productTopicSchema.safeParse(topic);
  if (!known.success) return null;
  if (known.data === "products/delete") return { topic: known.data, productId: parseOrThrow(deletedSchema, body).id, handle: null };
  const product = parseOrThrow(productSchema, body);
  return { topic: known.data, productId: product.id, handle: product.handle };
}
