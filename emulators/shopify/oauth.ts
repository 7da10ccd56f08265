import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ADMIN_SCOPES } from "../../lib/shopify/app-manifest";
import { log } from "../../lib/log";
import { sendJson, type RouteContext, type Routes } from "../shared/http";

/**
 * The client-credentials grant, as Shopify serves it to Dev Dashboard apps on stores of their
 * own organisation: `POST /admin/oauth/access_token` with `grant_type=client_credentials`,
 * `client_id`, `client_secret` (form-encoded, or JSON as @shopify/shopify-api sends it), answered
 * `{access_token, scope, expires_in}`. The token stops working when it expires (24 h:
 * `expires_in` 86399), and then Admin GraphQL answers 401 like for any unknown token.
 * https://shopify.dev/docs/apps/build/authentication-authorization/client-credentials-grant
 * https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets
 *
 * Tokens live in memory only: after an emulator restart every issued token is unknown (401), which
 * a client must survive by asking for a new one. Bounded: at most `MAX_LIVE_TOKENS` at a time
 * (expired ones are dropped first, then the oldest).
 */
export const DEFAULT_TOKEN_LIFETIME_S = 86_399;
export const MAX_LIVE_TOKENS = 1_000;

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Seconds a new token lives (default 86399, Shopify's 24 h less the second it took to issue). */
  tokenLifetimeSeconds?: number;
}

export class AccessTokens {
  private issued = new Map<string, number>();
  clientSecret: string;
  lifetimeSeconds: number;
  /** Tokens handed out since start (what a test counts refreshes by). */
  issuedCount = 0;

  constructor(
    readonly clientId: string,
    clientSecret: string,
    lifetimeSeconds: number,
    private readonly now: () => number,
  ) {
    this.clientSecret = clientSecret;
    this.lifetimeSeconds = lifetimeSeconds;
  }

  issue(): { token: string; expiresIn: number } {
    const now = this.now();
    for (const [token, expiresAt] of this.issued) if (expiresAt <= now) this.issued.delete(token);
    while (this.issued.size >= MAX_LIVE_TOKENS) this.issued.delete(this.issued.keys().next().value ?? "");
    const token = `shpat_${randomBytes(16).toString("hex")}`;
    this.issued.set(token, now + this.lifetimeSeconds * 1000);
    this.issuedCount++;
    return { token, expiresIn: this.lifetimeSeconds };
  }

  valid(token: string): boolean {
    const expiresAt = this.issued.get(token);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  /** Every issued token stops working (a rotated secret, an uninstall). */
  revokeAll(): void {
    this.issued.clear();
  }

  liveCount(): number {
    const now = this.now();
    return [...this.issued.values()].filter((at) => at > now).length;
  }
}

const grantSchema = z.object({ client_id: z.string().min(1), client_secret: z.string().min(1), grant_type: z.string().min(1) });

async function readGrant(ctx: RouteContext): Promise<Record<string, unknown> | null> {
  const text = (await ctx.rawBody()).toString("utf8");
  const type = ctx.req.headers["content-type"] ?? "";
  if (type.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  return null;
}

/** OAuth errors in RFC 6749 §5.2 shape (HTTP 400), which is what Shopify's token endpoint answers. */
const oauthError = (ctx: RouteContext, error: string, description: string) => sendJson(ctx.res, 400, { error, error_description: description });

export function oauthRoutes(tokens: AccessTokens | null): Routes {
  return {
    "POST /admin/oauth/access_token": async (ctx) => {
      const grant = grantSchema.safeParse(await readGrant(ctx));
      if (!grant.success) return oauthError(ctx, "invalid_request", "client_id, client_secret and grant_type are required");
      if (grant.data.grant_type !== "client_credentials") return oauthError(ctx, "unsupported_grant_type", "only client_credentials is served here");
      // No app with client credentials installed, or another app's id: Shopify refuses both.
      if (!tokens || grant.data.client_id !== tokens.clientId) return oauthError(ctx, "invalid_client", "Client authentication failed");
      if (grant.data.client_secret !== tokens.clientSecret) return oauthError(ctx, "invalid_client", "Client authentication failed");
      const { token, expiresIn } = tokens.issue();
      sendJson(ctx.res, 200, { access_token: token, scope: ADMIN_SCOPES.map((s) => s.scope).join(","), expires_in: expiresIn });
      return undefined;
    },
  };
}

const oauthControlSchema = z
  .object({
    tokenLifetimeSeconds: z.number().int().min(1).max(DEFAULT_TOKEN_LIFETIME_S),
    clientSecret: z.string().min(1),
    revokeTokens: z.boolean(),
  })
  .partial();

/** `/_emulator/oauth`: make tokens expire in seconds, rotate the secret, revoke what was issued. */
export function oauthControlRoutes(tokens: AccessTokens | null): Routes {
  const view = () => (tokens ? { issued: tokens.issuedCount, live: tokens.liveCount(), tokenLifetimeSeconds: tokens.lifetimeSeconds } : null);
  return {
    "GET /_emulator/oauth": () => ({ clientCredentials: view() }),
    "POST /_emulator/oauth": async (ctx) => {
      const patch = await ctx.json(oauthControlSchema);
      if (!tokens) return sendJson(ctx.res, 409, { error: "the emulator was started without clientCredentials" });
      if (patch.tokenLifetimeSeconds !== undefined) tokens.lifetimeSeconds = patch.tokenLifetimeSeconds;
      if (patch.clientSecret !== undefined) tokens.clientSecret = patch.clientSecret;
      if (patch.revokeTokens) tokens.revokeAll();
      log.info("shopify_emulator.oauth", { tokenLifetimeSeconds: tokens.lifetimeSeconds, revoked: patch.revokeTokens === true });
      return { clientCredentials: view() };
    },
  };
}
