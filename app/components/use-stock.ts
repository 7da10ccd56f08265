"use client";

import { useEffect, useReducer } from "react";
import useSWR from "swr";
import { MAX_SKUS_PER_REQUEST } from "@/lib/stock/stock-query";
import type { SkuStock, StockResponse } from "@/lib/stock/stock-view";

const DEFAULT_REFRESH_MS = 3_000;
/** After this long without a good answer, a kept number is no longer shown as the truth. */
export const STALE_AFTER_MS = 30_000;

type StockKey = readonly ["/api/stock", ...string[]];

async function fetchStock([, ...skus]: StockKey): Promise<StockResponse> {
  const chunks: string[][] = [];
  for (let i = 0; i < skus.length; i += MAX_SKUS_PER_REQUEST) chunks.push(skus.slice(i, i + MAX_SKUS_PER_REQUEST));
  const parts = await Promise.all(
    chunks.map(async (chunk) => {
      const response = await fetch(`/api/stock?${chunk.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}`);
      if (!response.ok) throw new Error(`stock ${response.status}`);
      return (await response.json()) as StockResponse;
    }),
  );
  const first = parts[0];
  if (!first) throw new Error("no SKUs asked");
  return { ...first, skus: Object.assign({}, ...parts.map((p) => p.skus)) };
}

export interface LiveStock {
  stockOf(sku: string): SkuStock | undefined;
  /** The last read failed and a retry is under way (any number shown is the last good one). */
  checking: boolean;
}

/**
 * Live stock for a page's SKUs: one batched request (split at 50 SKUs), polled at the
 * interval Edge Config sets while the tab is visible, again on focus and reconnect. On
 * failure the last good numbers stay (for up to 30 s), never a number from nothing.
 */
export function useStock(skus: readonly string[]): LiveStock {
  const unique = [...new Set(skus)].sort();
  const key: StockKey | null = unique.length > 0 ? ["/api/stock", ...unique] : null;
  const { data, error } = useSWR(key, fetchStock, {
    refreshInterval: (latest) => latest?.refreshMs ?? DEFAULT_REFRESH_MS,
    refreshWhenHidden: false,
    revalidateOnFocus: true,
    revalidateOnReconnect: true,
    keepPreviousData: true,
    dedupingInterval: 500,
    errorRetryInterval: 2_000,
  });
  const failing = error !== undefined;
  // Retries back off (seconds, then minutes): without a render of its own at the cutoff, a stale
  // number would stay on screen until the next retry happened to answer.
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!failing || !data) return;
    const left = Date.parse(data.asOf) + STALE_AFTER_MS - Date.now();
    if (left < 0) return;
    const timer = setTimeout(rerender, left + 1);
    return () => clearTimeout(timer);
  }, [failing, data]);
  // The clock is read in render on purpose: whichever render comes after the cutoff (the timer
  // above makes sure one does) must drop the stale number.
  // eslint-disable-next-line react-hooks/purity
  const usable = data && !(failing && Date.now() - Date.parse(data.asOf) > STALE_AFTER_MS) ? data : undefined;
  return { stockOf: (sku) => usable?.skus[sku], checking: failing };
}
