"use client";

import type { CatalogProduct } from "@/lib/catalog/demo-catalog";
import { StockBadge } from "./stock-badge";
import { useStock } from "./use-stock";

/** The product cards come prerendered; only the badges are live (one batched request). */
export function ProductGrid({ products, currency }: { products: CatalogProduct[]; currency: string }) {
  const { data } = useStock(products.flatMap((p) => p.variants.map((v) => v.sku)));
  const money = new Intl.NumberFormat("en-US", { style: "currency", currency });
  return (
    <ul className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
      {products.map((product) => (
        <li key={product.handle} className="overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm">
          {/* eslint-disable-next-line @next/next/no-img-element -- local SVG placeholder art */}
          <img src={product.image} alt={product.imageAlt} width={600} height={600} className="aspect-square w-full object-cover" />
          <div className="space-y-3 p-4">
            <div className="flex items-baseline justify-between gap-2">
              <h2 className="font-semibold">{product.title}</h2>
              <p className="text-sm text-stone-600">{money.format((product.variants[0]?.priceCents ?? 0) / 100)}</p>
            </div>
            <ul className="space-y-1.5" aria-label={`${product.title} variants`}>
              {product.variants.map((variant) => (
                <li key={variant.sku} className="flex items-center justify-between gap-2 text-sm">
                  <span className="text-stone-700">
                    {variant.title} <span className="text-xs text-stone-400">{variant.sku}</span>
                  </span>
                  <StockBadge sku={variant.sku} stock={data?.skus[variant.sku]} />
                </li>
              ))}
            </ul>
          </div>
        </li>
      ))}
    </ul>
  );
}
