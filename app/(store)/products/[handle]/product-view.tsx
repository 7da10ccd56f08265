"use client";

import { Image, Money, ProductProvider, useProduct } from "@shopify/hydrogen-react";
import { useSearchParams } from "next/navigation";
import { legacyId, type ProductDetail, type Variant } from "@/lib/shopify/storefront-shapes";
import { pickupToday } from "@/lib/stock/product-stock";
import { AddToCart } from "@/app/components/add-to-cart";
import { StockBadge } from "@/app/components/stock-badge";
import { useStock, type LiveStock } from "@/app/components/use-stock";

/** `?variant=<numeric id>` (Shopify's own convention) → that variant, else the first. */
function variantFromUrl(product: ProductDetail, param: string | null): Variant {
  const variants = product.variants.nodes;
  return variants.find((v) => param !== null && legacyId(v.id) === param) ?? variants[0]!;
}

export function ProductViewFromUrl({ product }: { product: ProductDetail }) {
  const params = useSearchParams();
  return <ProductView product={product} variantId={variantFromUrl(product, params.get("variant")).id} />;
}

/** The URL is the one source of truth for the variant; ProductProvider follows it. */
export function ProductView({ product, variantId }: { product: ProductDetail; variantId: string }) {
  return (
    <ProductProvider data={product} initialVariantId={variantId}>
      <ProductPanel product={product} variantId={variantId} />
    </ProductProvider>
  );
}

/** Switch variant without a navigation: a history entry Next's router and back/forward follow. */
function selectVariant(variant: Variant): void {
  const url = new URL(window.location.href);
  url.searchParams.set("variant", legacyId(variant.id));
  window.history.pushState(null, "", url);
}

function ProductPanel({ product, variantId }: { product: ProductDetail; variantId: string }) {
  const { options } = useProduct();
  const variants = product.variants.nodes;
  // The URL leads; the provider catches up one effect later.
  const variant = variants.find((v) => v.id === variantId) ?? variants[0]!;
  const live = useStock(product.skus);
  const stock = variant.sku ? live.stockOf(variant.sku) : undefined;
  const image = variant.image ?? product.featuredImage;
  const current = Object.fromEntries(variant.selectedOptions.map((o) => [o.name, o.value]));
  return (
    <article className="grid gap-8 md:grid-cols-2 md:gap-12">
      <div className="aspect-square overflow-hidden rounded-2xl border border-stone-200 bg-stone-100">
        {image ? <Image data={image} sizes="(min-width: 768px) 50vw, 100vw" aspectRatio="1/1" loading="eager" className="size-full object-cover" /> : null}
      </div>
      <div className="flex flex-col gap-6">
        <div className="space-y-2">
          <h1 className="text-3xl font-semibold tracking-tight" data-testid="product-title">
            {product.title}
          </h1>
          <p className="text-xl text-stone-800" data-testid="product-price">
            <Money data={variant.price} as="span" />
          </p>
        </div>
        <div className="space-y-1.5">
          <StockBadge testId={`stock-${variant.sku ?? "none"}`} stock={stock} checking={live.checking} size="lg" />
          <p className="h-5 text-sm text-stone-600" data-testid="pickup">
            {pickupToday(stock) ? `Pick up today at ${pickupToday(stock)}` : ""}
          </p>
        </div>
        {(options ?? []).map((option) => (
          <OptionPicker
            key={option?.name}
            name={option?.name ?? ""}
            values={(option?.values ?? []).filter((v): v is string => typeof v === "string")}
            current={current}
            variants={variants}
            live={live}
          />
        ))}
        <AddToCart variantId={variant.id} stock={stock} />
        <div className="prose prose-stone max-w-none text-stone-700" dangerouslySetInnerHTML={{ __html: product.descriptionHtml }} />
      </div>
    </article>
  );
}

function OptionPicker({
  name,
  values,
  current,
  variants,
  live,
}: {
  name: string;
  values: string[];
  current: Record<string, string>;
  variants: Variant[];
  live: LiveStock;
}) {
  // A value is offered with the other options kept; if that combination does not exist, the first variant with it.
  const target = (value: string) =>
    variants.find((v) => v.selectedOptions.every((o) => (o.name === name ? o.value === value : current[o.name] === o.value))) ??
    variants.find((v) => v.selectedOptions.some((o) => o.name === name && o.value === value));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-stone-700">
        {name}: <span className="text-stone-900">{current[name]}</span>
      </legend>
      <div className="flex flex-wrap gap-2">
        {values.map((value) => {
          const variant = target(value);
          const soldOut = variant?.sku ? live.stockOf(variant.sku)?.status === "sold_out" : false;
          const active = current[name] === value;
          return (
            <button
              key={value}
              type="button"
              aria-pressed={active}
              onClick={() => variant && !active && selectVariant(variant)}
              className={`min-w-12 rounded-lg border px-3 py-2 text-sm transition focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-stone-900 ${
                active ? "border-stone-900 bg-stone-900 text-white" : "border-stone-300 bg-white hover:border-stone-500"
              } ${soldOut ? "line-through decoration-stone-400" : ""}`}
            >
              {value}
              {soldOut ? <span className="sr-only"> (sold out)</span> : null}
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
