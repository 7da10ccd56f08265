import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CollectionSection } from "@/app/components/collection-section";
import { getCollection } from "@/lib/shopify/storefront";

/** A collection grid: prerendered, cached for long, tagged with the collection and each product in it. */
type Props = { params: Promise<{ handle: string }> };

export function generateStaticParams(): { handle: string }[] {
  return [{ handle: "all" }];
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const collection = await getCollection((await params).handle);
  return { title: collection?.title ?? "Collection not found" };
}

export default async function CollectionPage({ params }: Props) {
  const collection = await getCollection((await params).handle);
  if (!collection) notFound();
  return <CollectionSection collection={collection} />;
}
