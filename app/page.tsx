import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { ProductGrid } from "./components/product-grid";

/** Home: a static shell of the catalog; stock arrives live from /api/stock. */
export default function HomePage() {
  return (
    <section aria-labelledby="catalog-heading" className="space-y-6">
      <div>
        <h1 id="catalog-heading" className="text-2xl font-semibold tracking-tight">
          All products
        </h1>
        <p className="text-stone-600">Stock is live: what you see is what the warehouse can ship.</p>
      </div>
      <ProductGrid products={demoCatalog.products} currency={demoCatalog.currency} />
    </section>
  );
}
