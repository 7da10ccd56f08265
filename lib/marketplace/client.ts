import { z } from "zod";

/**
 * The marketplace's seller API (Amazon/eBay-style): listing quantities, relative adjustments
 * with an `Idempotency-Key`, absolute sets with compare-and-swap, 429 + Retry-After.
 */
const envSchema = z.object({ MARKETPLACE_API_URL: z.url(), MARKETPLACE_API_KEY: z.string().min(1) });

export type MarketplaceResult<T> =
  | { kind: "ok"; data: T }
  | { kind: "retry"; reason: "rate_limited" | "unavailable"; retryAfterMs: number }
  | { kind: "error"; status: number; message: string };

export interface MarketplaceClient {
  listings(skus: readonly string[]): Promise<MarketplaceResult<Map<string, number>>>;
  /** `applied` per item, in request order: a listing never goes below 0, so a decrement may apply less. */
  adjust(key: string, items: readonly { sku: string; delta: number }[]): Promise<MarketplaceResult<{ items: { sku: string; applied: number }[] }>>;
  setQuantity(key: string, sku: string, quantity: number, expectedQuantity: number): Promise<MarketplaceResult<unknown>>;
}

const adjustedSchema = z.object({ items: z.array(z.object({ sku: z.string(), applied: z.number().int() })) });
const listingsSchema = z.object({ items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })) });

let cached: MarketplaceClient | null | undefined;

export function getMarketplaceClient(): MarketplaceClient | null {
  if (cached !== undefined) return cached;
  const env = envSchema.safeParse(process.env);
  cached = env.success ? createMarketplaceClient(env.data.MARKETPLACE_API_URL, env.data.MARKETPLACE_API_KEY) : null;
  return cached;
}

export function createMarketplaceClient(baseUrl: string, apiKey: string): MarketplaceClient {
  async function call<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<MarketplaceResult<T>> {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), { ...init, signal: AbortSignal.timeout(10_000), headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, ...init.headers } });
    } catch {
      return { kind: "retry", reason: "unavailable", retryAfterMs: 1_000 };
    }
    const text = await response.text();
    if (response.status === 429) return { kind: "retry", reason: "rate_limited", retryAfterMs: 1_000 * Math.max(1, Number(response.headers.get("retry-after")) || 1) };
    if (response.status >= 500) return { kind: "retry", reason: "unavailable", retryAfterMs: 1_000 };
    if (!response.ok) return { kind: "error", status: response.status, message: text.slice(0, 300) };
    const parsed = schema.safeParse(text ? JSON.parse(text) : null);
    return parsed.success ? { kind: "ok", data: parsed.data } : { kind: "error", status: response.status, message: "unexpected response shape" };
  }
  return {
    async listings(skus) {
      const query = skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&");
      const result = await call(`/v1/inventory?${query}`, { method: "GET" }, listingsSchema);
      return result.kind === "ok" ? { kind: "ok", data: new Map(result.data.items.map((i) => [i.sku, i.quantity])) } : result;
    },
    adjust: (key, items) => call("/v1/inventory/adjustments", { method: "POST", headers: { "idempotency-key": key }, body: JSON.stringify({ items }) }, adjustedSchema),
    setQuantity: (key, sku, quantity, expectedQuantity) =>
      call(`/v1/inventory/${encodeURIComponent(sku)}`, { method: "PUT", headers: { "idempotency-key": key }, body: JSON.stringify({ quantity, expectedQuantity }) }, z.unknown()),
  };
}

export const resetMarketplaceClient = (): void => {
  cached = undefined;
};
