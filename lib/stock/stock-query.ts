import { z } from "zod";
import { skuSchema } from "../domain/events";

export const MAX_SKUS_PER_REQUEST = 50;

export type StockQuery = { ok: true; skus: string[] } | { ok: false; error: string };

/** `?sku=A&sku=B` (1–50, deduplicated) → SKUs, or a message naming what is wrong. */
export function parseStockQuery(params: URLSearchParams): StockQuery {
  const raw = params.getAll("sku");
  if (raw.length === 0) return { ok: false, error: "sku: give 1 to 50 sku parameters, e.g. ?sku=TEE-BLK-M" };
  if (raw.length > MAX_SKUS_PER_REQUEST) return { ok: false, error: `sku: at most ${MAX_SKUS_PER_REQUEST} per request, got ${raw.length}` };
  const parsed = z.array(skuSchema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `sku[${String(issue?.path[0] ?? 0)}]: ${issue?.message ?? "invalid"}` };
  }
  return { ok: true, skus: [...new Set(parsed.data)] };
}
