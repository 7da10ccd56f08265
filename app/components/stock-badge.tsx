"use client";

import type { SkuStock } from "@/lib/stock/stock-view";

/**
 * The live stock pill. It always occupies the same box (a number arriving after hydration
 * shifts nothing), says "Checking stock…" until it knows, and `aria-live` tells screen
 * readers when it changes. While a failed read is retried it keeps the last value and
 * shows a small pulsing dot in space reserved for it. Text starts at a fixed point (not
 * centred), so even the words inside the pill do not move when the number arrives.
 */
const STYLES: Record<SkuStock["status"] | "checking", string> = {
  in_stock: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  low_stock: "bg-amber-50 text-amber-900 ring-amber-300",
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

const SIZES = { sm: "h-6 w-36 text-xs", lg: "h-8 w-44 text-sm" } as const;

export function StockBadge({
  testId,
  stock,
  checking = false,
  size = "sm",
}: {
  testId: string;
  stock: SkuStock | undefined;
  checking?: boolean;
  size?: keyof typeof SIZES;
}) {
  const status = stock?.status ?? "checking";
  return (
    <span
      data-testid={testId}
      data-status={status}
      data-available={stock?.available ?? ""}
      data-checking={checking}
      aria-live="polite"
      className={`inline-flex shrink-0 items-center justify-start gap-1.5 overflow-hidden rounded-full px-2.5 font-medium whitespace-nowrap tabular-nums ring-1 ring-inset ${SIZES[size]} ${STYLES[status]}`}
    >
      <span aria-hidden="true" className={`size-1.5 shrink-0 rounded-full ${checking && stock ? "animate-pulse bg-current" : "bg-transparent"}`} />
      <span>{stockLabel(stock)}</span>
      {checking && stock ? <span className="sr-only">(checking stock)</span> : null}
    </span>
  );
}
