import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getCollection } from "@/lib/shopify/storefront";
import { ProductGrid } from "./components/product-grid";

export const metadata: Metadata = { title: "All products" };

/** Home: the "all" collection as a prerendered, long-cached grid; stock arrives live. */
export default async function HomePage() {
  const collection = await getCollection("all");
  if (!collection) notFound();
  return (
    <section aria-labelledby="catalog-heading" className="space-y-6">
      <div className="space-y-1">
        <h1 id="catalog-heading" className="text-2xl font-semibold tracking-tight">
          {collection.title}
        </h1>
        <p className="text-stone-600">Stock is live: what you see is what the warehouse can ship.</p>
      </div>
      <ProductGrid products={collection.products} />
    </section>
  );
}
