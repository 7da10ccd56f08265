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

const WARM_ATTEMPTS = 30;
const WARM_PAUSE_MS = 100;

/**
 * Next applies the purge just after the response (waitUntil), so the first warm request may
 * still see the old entry as fresh. Ask until the page has been served STALE once (that
 * request starts the re-render) and then comes back fresh.
 */
async function warm(origin: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      let sawStale = false;
      let cache: string | null = null;
      let attempts = 0;
      while (attempts < WARM_ATTEMPTS && !(sawStale && cache !== "STALE")) {
        if (attempts > 0) await new Promise((resolve) => setTimeout(resolve, WARM_PAUSE_MS));
        const response = await fetch(`${origin}${path}`, { headers: { "x-stock-layer-warm": "1" }, cache: "no-store" });
        await response.arrayBuffer();
        cache = response.headers.get("x-nextjs-cache");
        sawStale ||= cache === "STALE";
        attempts++;
      }
      log.info("catalog.warmed", { path, cache, attempts, fresh: sawStale && cache !== "STALE" });
    } catch (error) {
      log.warn("catalog.warm_failed", { path, error: errorMessage(error) });
    }
  }
}
