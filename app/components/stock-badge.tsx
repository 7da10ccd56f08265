"use client";

import type { SkuStock } from "@/lib/stock/stock-view";

/**
 * The live stock line. It always occupies the same box, so a number arriving after
 * hydration shifts nothing; `aria-live` tells screen readers when it changes.
 */
const STYLES: Record<SkuStock["status"] | "checking", string> = {
  in_stock: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  low_stock: "bg-amber-50 text-amber-800 ring-amber-200",
  sold_out: "bg-stone-100 text-stone-600 ring-stone-300",
  unknown: "bg-stone-100 text-stone-600 ring-stone-300",
  checking: "bg-white text-stone-500 ring-stone-200",
};

export function stockLabel(stock: SkuStock | undefined): string {
  if (!stock) return "Checking stock…";
  switch (stock.status) {
    case "in_stock":
      return "In stock";
    case "low_stock":
      return `Only ${stock.available} left`;
    case "sold_out":
      return "Sold out";
    case "unknown":
      return "Not available";
  }
}

export function StockBadge({ sku, stock }: { sku: string; stock: SkuStock | undefined }) {
  const status = stock?.status ?? "checking";
  return (
    <span
      data-testid={`stock-${sku}`}
      data-status={status}
      data-available={stock?.available ?? ""}
      aria-live="polite"
      className={`inline-flex h-6 min-w-28 items-center justify-center rounded-full px-2.5 text-xs font-medium ring-1 ring-inset tabular-nums ${STYLES[status]}`}
    >
      {stockLabel(stock)}
    </span>
  );
}
