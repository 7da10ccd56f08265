import type { SkuStock } from "./stock-view";

/**
 * One badge for a product card from its variants' live stock: in stock if any variant is;
 * otherwise "only N left" over the low ones; sold out when none can be sold. Undefined
 * until every variant has an answer, so a card never claims stock it has not seen.
 */
export function productStock(skus: readonly string[], stockOf: (sku: string) => SkuStock | undefined): SkuStock | undefined {
  const parts: SkuStock[] = [];
  for (const sku of skus) {
    const stock = stockOf(sku);
    if (!stock) return undefined;
    parts.push(stock);
  }
  const known = parts.filter((p) => p.status !== "unknown");
  if (known.length === 0) return { available: 0, status: "unknown", locations: {} };
  const available = known.reduce((sum, p) => sum + Math.max(0, p.available), 0);
  const status = known.some((p) => p.status === "in_stock") ? "in_stock" : available > 0 ? "low_stock" : "sold_out";
  return { available, status, locations: {} };
}

/** A pickup location that can hand this SKU over today, if any (first in policy order). */
export function pickupToday(stock: SkuStock | undefined): string | null {
  if (!stock) return null;
  const place = Object.values(stock.locations).find((l) => l.pickup && l.available > 0);
  return place ? place.name : null;
}
