import { createAdminApiClient, type AdminApiClient } from "@shopify/admin-api-client";
import type { Redis } from "@upstash/redis";
import { z } from "zod";
import type { CallResult } from "../http/call-result";
import { AUTH_RETRY_MS, clientCredentialsToken, redisTokenStore, staticAccessToken, type AccessTokenSource, type TokenStore } from "./access-token";
import { ADMIN_API_VERSION } from "./app-manifest";
import { retryAfterMs } from "../http/retry-after";

/**
 * The one door to Shopify's Admin GraphQL API: a typed request wrapper around
 * @shopify/admin-api-client that turns every outcome into one shape (data, cost, throttle,
 * retry hints, errors). `SHOPIFY_ADMIN_API_URL` points it at the local emulator. The token comes
 * from access-token.ts (a static one, or client credentials); a 401 buys a new one and the call
 * is tried once more.
 */
export const SHOPIFY_API_VERSION = ADMIN_API_VERSION;

const envSchema = z
  .object({
    SHOPIFY_STORE_DOMAIN: z.string().min(1),
    /** A legacy custom app's static token; wins when set. */
    SHOPIFY_ADMIN_ACCESS_TOKEN: z.string().min(1).optional(),
    /** A Dev Dashboard app's client credentials (expiring tokens). */
    SHOPIFY_CLIENT_ID: z.string().min(1).optional(),
    SHOPIFY_CLIENT_SECRET: z.string().min(1).optional(),
    SHOPIFY_ADMIN_API_URL: z.url().optional(),
    SHOPIFY_PLAN: z.enum(["standard", "advanced", "plus"]).default("standard"),
    SHOPIFY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  })
  .refine((e) => e.SHOPIFY_ADMIN_ACCESS_TOKEN !== undefined || (e.SHOPIFY_CLIENT_ID !== undefined && e.SHOPIFY_CLIENT_SECRET !== undefined), {
    message: "set SHOPIFY_ADMIN_ACCESS_TOKEN, or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET",
  });
type AdminEnv = z.infer<typeof envSchema>;

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
  /** Where the token comes from (ops and tests; never the token itself). */
  tokenKind: AccessTokenSource["kind"];
  request<T>(document: string, variables: Record<string, unknown>, dataSchema: z.ZodType<T>): Promise<AdminResult<T>>;
}

/**
 * `null` when Shopify is not configured in `env` (the channel is then skipped, not failed).
 * `redis` shares a bought token between instances; without it each process buys its own.
 */
export function shopifyAdminFromEnv(env: Readonly<Record<string, string | undefined>>, redis: Redis | null = null): ShopifyAdmin | null {
  const parsed = envSchema.safeParse(env);
  return parsed.success ? createShopifyAdmin(parsed.data, redis ? redisTokenStore(redis) : memoryTokenStore()) : null;
}

export function memoryTokenStore(): TokenStore {
  let value: { text: string; until: number } | null = null;
  return {
    read: async () => (value && Date.now() < value.until ? value.text : null),
    write: async (text, ttlMs) => {
      value = { text, until: Date.now() + ttlMs };
    },
  };
}

const apiOrigin = (env: AdminEnv): string => (env.SHOPIFY_ADMIN_API_URL ? new URL(env.SHOPIFY_ADMIN_API_URL).origin : `https://${env.SHOPIFY_STORE_DOMAIN}`);

export function tokenSourceFor(env: AdminEnv, store: TokenStore): AccessTokenSource {
  if (env.SHOPIFY_ADMIN_ACCESS_TOKEN) return staticAccessToken(env.SHOPIFY_ADMIN_ACCESS_TOKEN);
  return clientCredentialsToken({
    origin: apiOrigin(env),
    clientId: env.SHOPIFY_CLIENT_ID ?? "",
    clientSecret: env.SHOPIFY_CLIENT_SECRET ?? "",
    store,
    timeoutMs: env.SHOPIFY_REQUEST_TIMEOUT_MS,
  });
}

export function createShopifyAdmin(env: z.input<typeof envSchema>, store: TokenStore = memoryTokenStore()): ShopifyAdmin {
  const config = envSchema.parse(env);
  const tokens = tokenSourceFor(config, store);
  const override = config.SHOPIFY_ADMIN_API_URL ? new URL(config.SHOPIFY_ADMIN_API_URL) : null;
  // One client per token (the library fixes the token at creation); rebuilt when the token changes.
  let built: { token: string; client: AdminApiClient } | null = null;
  const clientFor = (token: string): AdminApiClient => {
    if (built?.token === token) return built.client;
    const client = createAdminApiClient({
      storeDomain: config.SHOPIFY_STORE_DOMAIN,
      apiVersion: SHOPIFY_API_VERSION,
      accessToken: token,
      // Same path and headers; only the origin changes (the emulator speaks plain http). A call
      // that hangs is abandoned: the write is retried under the same idempotency key.
      customFetchApi: (url, init) => {
        const withTimeout = { ...init, signal: AbortSignal.timeout(config.SHOPIFY_REQUEST_TIMEOUT_MS) };
        if (!override) return fetch(url, withTimeout);
        const target = new URL(String(url));
        return fetch(`${override.origin}${target.pathname}${target.search}`, withTimeout);
      },
    });
    built = { token, client };
    return client;
  };
  return {
    plan: SHOPIFY_PLANS[config.SHOPIFY_PLAN],
    tokenKind: tokens.kind,
    request: (document, variables, schema) => authorised(tokens, clientFor, document, variables, schema),
  };
}

type RawResponse = Awaited<ReturnType<AdminApiClient["request"]>> | null;

/** A 401 buys a new token and tries once more; a 401 after that, or a 403, is `auth` (kept, retried, alerted), never a refusal. */
async function authorised<T>(
  tokens: AccessTokenSource,
  clientFor: (token: string) => AdminApiClient,
  document: string,
  variables: Record<string, unknown>,
  dataSchema: z.ZodType<T>,
): Promise<AdminResult<T>> {
  const first = await tokens.current();
  if (first.kind !== "ok") return noToken(first);
  let response = await send(clientFor(first.data), document, variables);
  if (response?.errors?.networkStatusCode === 401) {
    const second = await tokens.refresh(first.data);
    if (second.kind !== "ok") return noToken(second);
    response = await send(clientFor(second.data), document, variables);
  }
  const status = response?.errors?.networkStatusCode;
  if (status === 401 || status === 403) return { kind: "retry", reason: "auth", retryAfterMs: AUTH_RETRY_MS, throttle: null };
  return interpret(response, dataSchema);
}

const noToken = (result: Exclude<CallResult<string>, { kind: "ok" }>): AdminResult<never> =>
  result.kind === "retry" ? { ...result, throttle: null } : { kind: "retry", reason: "auth", retryAfterMs: AUTH_RETRY_MS, throttle: null };

async function send(client: AdminApiClient, document: string, variables: Record<string, unknown>): Promise<RawResponse> {
  try {
    return await client.request(document, { variables });
  } catch {
    return null;
  }
}

const graphQLErrorSchema = z.object({
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  extensions: z.object({ code: z.string().optional() }).passthrough().optional(),
});

/**
 * Level 2 protected customer fields the app may not read come back null in `data` with an
 * ACCESS_DENIED error at their path (https://shopify.dev/docs/apps/launch/protected-customer-data):
 * the rest of the answer is good, and the caller's schema decides whether null is acceptable.
 */
const onlyFieldAccessDenied = (errors: z.infer<typeof graphQLErrorSchema>[]): boolean =>
  errors.length > 0 && errors.every((e) => e.extensions?.code === "ACCESS_DENIED" && (e.path?.length ?? 0) > 1);

function interpret<T>(response: RawResponse, dataSchema: z.ZodType<T>): AdminResult<T> {
  if (response === null) return { kind: "retry", reason: "unavailable", retryAfterMs: 1_000, throttle: null };
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
    if (!(response.data && codes.success && onlyFieldAccessDenied(codes.data)))
      return { kind: "error", message: errors.message ?? codes.data?.[0]?.message ?? "Shopify request failed" };
  }
  const data = dataSchema.safeParse(response.data);
  if (!data.success) return { kind: "error", message: `unexpected response shape: ${data.error.issues[0]?.path.join(".")}` };
  return { kind: "ok", data: data.data, throttle };
}
