/**
 * A `Retry-After` header in ms: whole or decimal seconds (what Shopify sends), capped at a
 * minute so one odd answer cannot stall a worker for long; `fallbackMs` when absent or unreadable.
 */
const MAX_MS = 60_000;

export function retryAfterMs(header: string | null, fallbackMs: number): number {
  if (header === null || !/^\s*\d+(\.\d+)?\s*$/.test(header)) return fallbackMs;
  return Math.min(MAX_MS, Math.max(0, Math.ceil(Number(header) * 1000)));
}
