import { revalidateTag } from "next/cache";
import { after } from "next/server";
import { pathsForChange, tagsForChange, type CatalogChange } from "@/lib/catalog/cache-tags";
import { errorMessage, log } from "@/lib/log";

/**
 * A product changed at Shopify: mark exactly its cached shells stale (stale-while-revalidate,
 * so no shopper ever waits on Shopify), then re-render those pages once right away, so the
 * next shopper already gets the fresh shell instead of the last stale one.
 */
export function applyCatalogChange(change: CatalogChange, origin: string): string[] {
  const tags = tagsForChange(change);
  for (const tag of tags) revalidateTag(tag, "max");
  log.info("catalog.revalidated", { topic: change.topic, productId: change.productId, handle: change.handle, tags });
  after(() => warm(origin, pathsForChange(change)));
  return tags;
}

async function warm(origin: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      const response = await fetch(`${origin}${path}`, { headers: { "x-stock-layer-warm": "1" }, cache: "no-store" });
      await response.arrayBuffer();
      log.info("catalog.warmed", { path, status: response.status });
    } catch (error) {
      log.warn("catalog.warm_failed", { path, error: errorMessage(error) });
    }
  }
}
