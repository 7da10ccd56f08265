import type { CollectionPage } from "@/lib/shopify/storefront";
import { ProductGrid } from "./product-grid";

/** A collection's heading and its product grid (home and /collections/[handle]). */
export function CollectionSection({ collection, lead }: { collection: CollectionPage; lead?: string }) {
  return (
    <section aria-labelledby="collection-heading" className="space-y-6">
      <div className="space-y-1">
        <h1 id="collection-heading" className="text-2xl font-semibold tracking-tight">
          {collection.title}
        </h1>
        {lead || collection.description ? <p className="text-stone-600">{lead ?? collection.description}</p> : null}
      </div>
      <ProductGrid products={collection.products} />
    </section>
  );
}
