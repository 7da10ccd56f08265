import type { SkuStock } from "./stock-view";

/** A cart line asking for more than the channel can sell right now. */
export interface Shortfall {
  lineId: string;
  sku: string;
  requested: number;
  /** What this line can have: the SKU's available minus what earlier lines of it took. */
  available: number;
}

/**
 * Lines that exceed live stock, in cart order. Lines of one SKU draw from one number; an
 * unknown SKU (not tracked) is not ours to refuse, so it passes.
 */
export function cartShortfalls(
  lines: readonly { lineId: string; sku: string | null; quantity: number }[],
  stock: Readonly<Record<string, SkuStock>>,
): Shortfall[] {
  const left = new Map<string, number>();
  const shortfalls: Shortfall[] = [];
  for (const line of lines) {
    if (!line.sku) continue;
    const sku = stock[line.sku];
    if (!sku || sku.status === "unknown") continue;
    const available = left.get(line.sku) ?? Math.max(0, sku.available);
    if (line.quantity > available) shortfalls.push({ lineId: line.lineId, sku: line.sku, requested: line.quantity, available });
    left.set(line.sku, Math.max(0, available - line.quantity));
  }
  return shortfalls;
}
