import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { getCollection, getProduct } from "@/lib/shopify/storefront";
import { ProductView, ProductViewFromUrl } from "./product-view";

/**
 * The PDP: a prerendered shell from the cached Storefront read (tagged per product, purged
 * by Shopify's products/* webhooks). The variant lives in the URL (`?variant=<id>`), read in
 * the browser; until then the first variant is shown in the same layout.
 */
type Props = { params: Promise<{ handle: string }> };

export async function generateStaticParams(): Promise<{ handle: string }[]> {
  const all = await getCollection("all");
  return (all?.products ?? []).map((p) => ({ handle: p.handle }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await getProduct((await params).handle);
  if (!product) return { title: "Product not found" };
  return {
    title: product.seo.title ?? product.title,
    description: product.seo.description ?? product.description,
    openGraph: product.featuredImage ? { images: [{ url: product.featuredImage.url, alt: product.featuredImage.altText ?? product.title }] } : null,
  };
}

export default async function ProductPage({ params }: Props) {
  const product = await getProduct((await params).handle);
  if (!product) notFound();
  const first = product.variants.nodes[0];
  if (!first) notFound();
  return (
    <Suspense fallback={<ProductView product={product} variantId={first.id} />}>
      <ProductViewFromUrl product={product} />
    </Suspense>
  );
}
