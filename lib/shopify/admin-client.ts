import { createAdminApiClient, type AdminApiClient } from "@shopify/admin-api-client";
import { z } from "zod";
import type { CallResult } from "../http/call-result";
import { ADMIN_API_VERSION } from "./app-manifest";
import { retryAfterMs } from "../http/retry-after";

/**
 * The one door to Shopify's Admin GraphQL API: a typed request wrapper around
 * @shopify/admin-api-client that turns every outcome into one shape (data, cost, throttle,
 * retry hints, errors). `SHOPIFY_ADMIN_API_URL` points it at the local emulator.
 */
export const SHOPIFY_API_VERSION = ADMIN_API_VERSION;

const envSchema = z.object({
  SHOPIFY_STORE_DOMAIN: z.string().min(1),
  SHOPIFY_ADMIN_ACCESS_TOKEN: z.string().min(1),
  SHOPIFY_ADMIN_API_URL: z.url().optional(),
  SHOPIFY_PLAN: z.enum(["standard", "advanced", "plus"]).default("standard"),
  SHOPIFY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

/** Published GraphQL Admin limits per plan (restore points/s, bucket size). */
export const SHOPIFY_PLANS = {
  standard: { restoreRate: 100, bucketSize: 2_000 },
  advanced: { restoreRate: 200, bucketSize: 4_000 },
  plus: { restoreRate: 1_000, bucketSize: 20_000 },
} as const;

const throttleStatusSchema = z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() });
const costSchema = z.object({ requestedQueryCost: z.number().nullish(), actualQueryCost: z.number().nullish(), throttleStatus: throttleStatusSchema });
export type ThrottleStatus = z.infer<typeof throttleStatusSchema>;

/** Every Admin call's result; ok and retry carry the query cost throttle status Shopify reported. */
export type AdminResult<T> = CallResult<T, { throttle: ThrottleStatus | null }>;

export interface ShopifyAdmin {
  plan: (typeof SHOPIFY_PLANS)[keyof typeof SHOPIFY_PLANS];
  request<T>(document: string, variables: Record<string, unknown>, dataSchema: z.ZodType<T>): Promise<AdminResult<T>>;
}

/** `null` when Shopify is not configured in `env` (the channel is then skipped, not failed). */
export function shopifyAdminFromEnv(env: Readonly<Record<string, string | undefined>>): ShopifyAdmin | null {
  const parsed = envSchema.safeParse(env);
  return parsed.success ? createShopifyAdmin(parsed.data) : null;
}

export function createShopifyAdmin(env: z.infer<typeof envSchema>): ShopifyAdmin {
  const override = env.SHOPIFY_ADMIN_API_URL ? new URL(env.SHOPIFY_ADMIN_API_URL) : null;
  const client: AdminApiClient = createAdminApiClient({
    storeDomain: env.SHOPIFY_STORE_DOMAIN,
    apiVersion: SHOPIFY_API_VERSION,
    accessToken: env.SHOPIFY_ADMIN_ACCESS_TOKEN,
    // Same path and headers; only the origin changes (the emulator speaks plain http). A call
    // that hangs is abandoned: the write is retried under the same idempotency key.
    customFetchApi: (url, init) => {
      const withTimeout = { ...init, signal: AbortSignal.timeout(env.SHOPIFY_REQUEST_TIMEOUT_MS) };
      if (!override) return fetch(url, withTimeout);
      const target = new URL(String(url));
      return fetch(`${override.origin}${target.pathname}${target.search}`, withTimeout);
    },
  });
  return { plan: SHOPIFY_PLANS[env.SHOPIFY_PLAN], request: (document, variables, schema) => request(client, document, variables, schema) };
}

const graphQLErrorSchema = z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).passthrough().optional() });

async function request<T>(client: AdminApiClient, document: string, variables: Record<string, unknown>, dataSchema: z.ZodType<T>): Promise<AdminResult<T>> {
  let response: Awaited<ReturnType<AdminApiClient["request"]>>;
  try {
    response = await client.request(document, { variables });
  } catch {
    return { kind: "retry", reason: "unavailable", retryAfterMs: 1_000, throttle: null };
  }
  const cost = costSchema.safeParse((response.extensions as { cost?: unknown } | undefined)?.cost);
  const throttle = cost.success ? cost.data.throttleStatus : null;
  const errors = response.errors;
  if (errors) {
    const status = errors.networkStatusCode;
    const codes = z.array(graphQLErrorSchema).safeParse(errors.graphQLErrors ?? []);
    if (codes.success && codes.data.some((e) => e.extensions?.code === "THROTTLED")) {
      const needed = (cost.success ? (cost.data.requestedQueryCost ?? 10) : 10) - (throttle?.currentlyAvailable ?? 0);
      return { kind: "retry", reason: "throttled", retryAfterMs: Math.max(100, Math.ceil((needed / (throttle?.restoreRate ?? 50)) * 1000)), throttle };
    }
    // Shopify's 429 names its wait in Retry-After seconds (https://shopify.dev/docs/api/usage/limits).
    if (status === 429)
      return { kind: "retry", reason: "rate_limited", retryAfterMs: retryAfterMs(errors.response?.headers.get("retry-after") ?? null, 2_000), throttle };
    if (status !== undefined && status >= 500) return { kind: "retry", reason: "unavailable", retryAfterMs: 1_000, throttle };
    if (status === undefined && !errors.graphQLErrors?.length) return { kind: "retry", reason: "unavailable", retryAfterMs: 1_000, throttle };
    return { kind: "error", message: errors.message ?? codes.data?.[0]?.message ?? "Shopify request failed" };
  }
  const data = dataSchema.safeParse(response.data);
  if (!data.success) return { kind: "error", message: `unexpected response shape: ${data.error.issues[0]?.path.join(".")}` };
  return { kind: "ok", data: data.data, throttle };
}
