"use client";

import { Image, Money } from "@shopify/hydrogen-react";
import Link from "next/link";
import type { ProductCard } from "@/lib/shopify/storefront-shapes";
import { productStock } from "@/lib/stock/product-stock";
import { StockBadge } from "./stock-badge";
import { useStock } from "./use-stock";

/** Prerendered product cards; only the badges are live (one batched request for the grid). */
export function ProductGrid({ products }: { products: ProductCard[] }) {
  const live = useStock(products.flatMap((p) => p.skus));
  return (
    <ul className="grid grid-cols-2 gap-4 sm:gap-6 lg:grid-cols-3 xl:grid-cols-4">
      {products.map((product, index) => {
        const soldOutOptions = product.skus.filter((sku) => live.stockOf(sku)?.status === "sold_out").length;
        const { minVariantPrice, maxVariantPrice } = product.priceRange;
        return (
          <li
            key={product.handle}
            className="group relative flex flex-col overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm transition hover:shadow-md"
          >
            <div className="aspect-square overflow-hidden bg-stone-100">
              {product.featuredImage ? (
                <Image
                  data={product.featuredImage}
                  sizes="(min-width: 1280px) 25vw, (min-width: 1024px) 33vw, 50vw"
                  aspectRatio="1/1"
                  loading={index < 4 ? "eager" : "lazy"}
                  className="size-full object-cover transition group-hover:scale-[1.02]"
                />
              ) : null}
            </div>
            <div className="flex flex-1 flex-col gap-2 p-3 sm:p-4">
              <h2 className="text-sm font-semibold sm:text-base">
                <Link href={`/products/${product.handle}`} className="after:absolute after:inset-0 focus-visible:outline-none">
                  {product.title}
                </Link>
              </h2>
              <p className="text-sm text-stone-700">
                {minVariantPrice.amount === maxVariantPrice.amount ? (
                  <Money data={minVariantPrice} as="span" />
                ) : (
                  <>
                    From <Money data={minVariantPrice} as="span" />
                  </>
                )}
              </p>
              <div className="mt-auto flex h-6 items-center justify-between gap-2">
                <StockBadge testId={`stock-product-${product.handle}`} stock={productStock(product.skus, live.stockOf)} checking={live.checking} />
                <span className="truncate text-xs text-stone-500">
                  {soldOutOptions > 0 && product.skus.length > 1 ? `${soldOutOptions} of ${product.skus.length} sold out` : ""}
                </span>
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
