import { z } from "zod";
import { callJson } from "../http/call-json";
import type { CallResult } from "../http/call-result";

/** The ERP: a read-only consumer of our projections (it plans purchasing from them). */
const envSchema = z.object({ ERP_API_URL: z.url(), ERP_API_KEY: z.string().min(1) });

export interface ErpProjection {
  sku: string;
  available: number;
  asOf: string;
}

export type ErpResult = CallResult<unknown>;

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
    pushProjections: (key, items) =>
      callJson(new URL("/api/projections", baseUrl), { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "idempotency-key": key }, body: JSON.stringify({ items }) }, z.unknown()),
  };
}

export const resetErpClient = (): void => {
  cached = undefined;
};
