import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { ok, retry, type CallResult } from "../http/call-result";
import { log } from "../log";
import { shopifyAccessTokenKey } from "../redis/keys";
import { decodeStored } from "../redis/stored-json";

/**
 * Where the Admin API token comes from. Two kinds of app:
 * - a legacy custom app (made in the Shopify admin before 2026): one static `shpat_` token,
 *   `SHOPIFY_ADMIN_ACCESS_TOKEN`, valid until revoked;
 * - a Dev Dashboard app on a store of our own organisation: `SHOPIFY_CLIENT_ID` +
 *   `SHOPIFY_CLIENT_SECRET` buy a token through the client-credentials grant, and that token
 *   expires (`expires_in`, 24 h) https://shopify.dev/docs/apps/build/authentication-authorization/client-credentials-grant
 *
 * The bought token is shared by every instance through Redis (expiring with it), refreshed a
 * margin before it expires, and bought again when Shopify answers 401 to it. The secret and the
 * token are never logged nor put in an error message.
 *
 * Why not `@shopify/shopify-api`'s `auth.clientCredentials`: it posts to a hard-coded
 * `https://${shop}/admin/oauth/access_token` (after `sanitizeShop`), so it cannot be pointed at
 * the emulator's origin (`SHOPIFY_ADMIN_API_URL`), and it would pull in the whole library and its
 * runtime adapter for one POST. This is that POST, with its answer checked.
 */
export interface AccessTokenSource {
  kind: "static" | "client_credentials";
  /** The token to send now. A `retry` says why none can be had (refused credentials: `auth`). */
  current(): Promise<CallResult<string>>;
  /** Shopify answered 401 to `stale`: a token to try once more (another instance's newer one, or a new one). */
  refresh(stale: string): Promise<CallResult<string>>;
}

export const staticAccessToken = (token: string): AccessTokenSource => ({
  kind: "static",
  current: async () => ok(token),
  // Nothing to refresh: the second try answers 401 again and the caller reports `auth`.
  refresh: async () => ok(token),
});

/** Where the shared token is kept; Redis in the app (`redisTokenStore`), memory in unit tests. */
export interface TokenStore {
  read(): Promise<unknown>;
  write(value: string, ttlMs: number): Promise<void>;
}

export const redisTokenStore = (redis: Redis): TokenStore => ({
  read: () => redis.get(shopifyAccessTokenKey),
  write: async (value, ttlMs) => {
    await redis.set(shopifyAccessTokenKey, value, { px: Math.max(1, ttlMs) });
  },
});

const storedTokenSchema = z.object({ token: z.string().min(1), expiresAt: z.number(), refreshAt: z.number() });
type StoredToken = z.infer<typeof storedTokenSchema>;

/** Shopify's answer (https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets). */
const grantResponseSchema = z.object({ access_token: z.string().min(1), scope: z.string(), expires_in: z.number().int().positive() });
const oauthErrorSchema = z.object({ error: z.string().max(100) }).partial();

/** Refresh this long before expiry: 5 min of a 24 h token, a tenth of a short one. */
export const refreshMargin = (lifetimeMs: number): number => Math.min(5 * 60_000, Math.floor(lifetimeMs / 10));

/** After refused credentials, how long until the next try (a human has to fix them). */
export const AUTH_RETRY_MS = 10_000;

export interface ClientCredentialsOptions {
  /** `https://<shop>.myshopify.com`, or the emulator's origin. */
  origin: string;
  clientId: string;
  clientSecret: string;
  store: TokenStore;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export function clientCredentialsToken(opts: ClientCredentialsOptions): AccessTokenSource {
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? fetch;
  let memo: StoredToken | null = null;
  /** One exchange at a time in this process; concurrent callers share it. */
  let pending: Promise<CallResult<string>> | null = null;

  const fresh = (t: StoredToken | null): t is StoredToken => t !== null && now() < t.refreshAt;

  async function exchange(): Promise<CallResult<string>> {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(new URL("/admin/oauth/access_token", opts.origin), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: opts.clientId, client_secret: opts.clientSecret }).toString(),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      text = await response.text();
    } catch {
      return retry("unavailable", 1_000);
    }
    if (response.status === 429 || response.status >= 500) return retry("unavailable", 1_000);
    if (!response.ok) {
      // Only Shopify's OAuth error code: the body never echoes the secret, but keep the log to the code.
      const code = oauthErrorSchema.safeParse(parseJson(text));
      log.error("shopify.token_refused", { status: response.status, error: code.success ? (code.data.error ?? null) : null });
      return retry("auth", AUTH_RETRY_MS);
    }
    const body = grantResponseSchema.safeParse(parseJson(text));
    if (!body.success) {
      log.error("shopify.token_unexpected", { status: response.status, field: body.error.issues[0]?.path.join(".") ?? "" });
      return retry("auth", AUTH_RETRY_MS);
    }
    const issuedAt = now();
    const lifetimeMs = body.data.expires_in * 1000;
    const token: StoredToken = {
      token: body.data.access_token,
      expiresAt: issuedAt + lifetimeMs,
      refreshAt: issuedAt + lifetimeMs - refreshMargin(lifetimeMs),
    };
    memo = token;
    await opts.store.write(JSON.stringify(token), lifetimeMs).catch(() => undefined);
    log.info("shopify.token_issued", { expiresInS: body.data.expires_in, scopes: body.data.scope.split(",").length });
    return ok(token.token);
  }

  const exchangeOnce = (): Promise<CallResult<string>> => (pending ??= exchange().finally(() => (pending = null)));

  async function shared(): Promise<StoredToken | null> {
    const stored = decodeStored(storedTokenSchema, await opts.store.read().catch(() => null));
    if (fresh(stored)) memo = stored;
    return stored;
  }

  return {
    kind: "client_credentials",
    async current() {
      if (fresh(memo)) return ok(memo.token);
      const stored = await shared();
      return fresh(stored) ? ok(stored.token) : exchangeOnce();
    },
    async refresh(stale) {
      if (memo?.token === stale) memo = null;
      const stored = await shared();
      if (fresh(stored) && stored.token !== stale) return ok(stored.token);
      return exchangeOnce();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
