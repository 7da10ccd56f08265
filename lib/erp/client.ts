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

/** `null` when the ERP is not configured in `env`. */
export function erpClientFromEnv(env: Readonly<Record<string, string | undefined>>): ErpClient | null {
  const parsed = envSchema.safeParse(env);
  return parsed.success ? createErpClient(parsed.data.ERP_API_URL, parsed.data.ERP_API_KEY) : null;
}

export function createErpClient(baseUrl: string, apiKey: string): ErpClient {
  return {
    pushProjections: (key, items) =>
      callJson(
        new URL("/api/projections", baseUrl),
        { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "idempotency-key": key }, body: JSON.stringify({ items }) },
        z.unknown(),
      ),
  };
}
