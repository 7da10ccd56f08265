"use client";

import useSWR from "swr";
import type { StockResponse } from "@/lib/stock/stock-view";

const fetcher = async (url: string): Promise<StockResponse> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`stock ${response.status}`);
  return (await response.json()) as StockResponse;
};

/**
 * Live stock for a set of SKUs in one request. On failure SWR keeps the last good data,
 * so the badge never turns a failed read into a number.
 */
export function useStock(skus: readonly string[], refreshMs = 3_000) {
  const key = skus.length > 0 ? `/api/stock?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}` : null;
  return useSWR(key, fetcher, { refreshInterval: refreshMs, revalidateOnFocus: true, revalidateOnReconnect: true, keepPreviousData: true, dedupingInterval: 500 });
}
