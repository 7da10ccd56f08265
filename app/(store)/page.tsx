import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getCollection } from "@/lib/shopify/storefront";
import { CollectionSection } from "@/app/components/collection-section";

export const metadata: Metadata = { title: "All products" };

/** Home: the "all" collection as a prerendered, long-cached grid; stock arrives live. */
export default async function HomePage() {
  const collection = await getCollection("all");
  if (!collection) notFound();
  return <CollectionSection collection={collection} lead="Stock is live: what you see is what the warehouse can ship." />;
}
