import { z } from "zod";

/** The ERP: a read-only consumer of our projections (it plans purchasing from them). */
const envSchema = z.object({ ERP_API_URL: z.url(), ERP_API_KEY: z.string().min(1) });

export interface ErpProjection {
  sku: string;
  available: number;
  asOf: string;
}

export type ErpResult = { kind: "ok" } | { kind: "retry"; retryAfterMs: number } | { kind: "error"; message: string };

export interface ErpClient {
  pushProjections(key: string, items: readonly ErpProjection[]): Promise<ErpResult>;
}

let cached: ErpClient | null | undefined;

export function getErpClient(): ErpClient | null {
  if (cached !== undefined) return cached;
  const env = envSchema.safeParse(process.env);
  cached = env.success ? createErpClient(env.data.ERP_API_URL, env.data.ERP_API_KEY) : null;
  return cached;
}

export function createErpClient(baseUrl: string, apiKey: string): ErpClient {
  return {
    async pushProjections(key, items) {
      try {
        const response = await fetch(new URL("/api/projections", baseUrl), {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, "idempotency-key": key },
          body: JSON.stringify({ items }),
        });
        await response.arrayBuffer();
        if (response.ok) return { kind: "ok" };
        if (response.status === 429 || response.status >= 500) return { kind: "retry", retryAfterMs: 1_000 * Math.max(1, Number(response.headers.get("retry-after")) || 1) };
        return { kind: "error", message: `HTTP ${response.status}` };
      } catch {
        return { kind: "retry", retryAfterMs: 1_000 };
      }
    },
  };
}

export const resetErpClient = (): void => {
  cached = undefined;
};
