import { z } from "zod";
import { callJson } from "../http/call-json";
import type { CallResult } from "../http/call-result";

/**
 * The marketplace's seller API (Amazon/eBay-style): listing quantities, relative adjustments
 * with an `Idempotency-Key`, absolute sets with compare-and-swap, 429 + Retry-After.
 */
const envSchema = z.object({ MARKETPLACE_API_URL: z.url(), MARKETPLACE_API_KEY: z.string().min(1) });

export type MarketplaceResult<T> = CallResult<T>;

export interface MarketplaceClient {
  listings(skus: readonly string[]): Promise<MarketplaceResult<Map<string, number>>>;
  /** `applied` per item, in request order: a listing never goes below 0, so a decrement may apply less. */
  adjust(key: string, items: readonly { sku: string; delta: number }[]): Promise<MarketplaceResult<{ items: { sku: string; applied: number }[] }>>;
  setQuantity(key: string, sku: string, quantity: number, expectedQuantity: number): Promise<MarketplaceResult<unknown>>;
}

const adjustedSchema = z.object({ items: z.array(z.object({ sku: z.string(), applied: z.number().int() })) });
const listingsSchema = z.object({ items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })) });

/** `null` when the marketplace is not configured in `env`. */
export function marketplaceClientFromEnv(env: Readonly<Record<string, string | undefined>>): MarketplaceClient | null {
  const parsed = envSchema.safeParse(env);
  return parsed.success ? createMarketplaceClient(parsed.data.MARKETPLACE_API_URL, parsed.data.MARKETPLACE_API_KEY) : null;
}

export function createMarketplaceClient(baseUrl: string, apiKey: string): MarketplaceClient {
  const call = <T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<MarketplaceResult<T>> =>
    callJson(new URL(path, baseUrl), { ...init, headers: { authorization: `Bearer ${apiKey}`, ...init.headers } }, schema);
  return {
    async listings(skus) {
      const query = skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&");
      const result = await call(`/v1/inventory?${query}`, { method: "GET" }, listingsSchema);
      return result.kind === "ok" ? { kind: "ok", data: new Map(result.data.items.map((i) => [i.sku, i.quantity])) } : result;
    },
    adjust: (key, items) =>
      call("/v1/inventory/adjustments", { method: "POST", headers: { "idempotency-key": key }, body: JSON.stringify({ items }) }, adjustedSchema),
    setQuantity: (key, sku, quantity, expectedQuantity) =>
      call(
        `/v1/inventory/${encodeURIComponent(sku)}`,
        { method: "PUT", headers: { "idempotency-key": key }, body: JSON.stringify({ quantity, expectedQuantity }) },
        z.unknown(),
      ),
  };
}
