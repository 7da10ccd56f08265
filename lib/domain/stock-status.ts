export type StockStatus = "in_stock" | "low_stock" | "sold_out" | "unknown";

/** What the shopper is told for a number of sellable units. */
export function stockStatus(available: number | null, lowStockThreshold: number): StockStatus {
  if (available === null) return "unknown";
  if (available <= 0) return "sold_out";
  if (available <= lowStockThreshold) return "low_stock";
  return "in_stock";
}
