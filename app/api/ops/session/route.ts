import { z } from "zod";
import { errorMessage, log } from "@/lib/log";
import { createSession, OPS_COOKIE, passwordMatches, SESSION_TTL_MS } from "@/lib/ops/session";
import { getRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

/**
 * POST /api/ops/session — the login form (password → signed session cookie, 303 to where the
 * merchant was going). At most 10 attempts per client address a minute. DELETE signs out.
 */
const ATTEMPTS_PER_MINUTE = 10;
const nextSchema = z
  .string()
  .regex(/^\/ops(\/[\w\-/?=&%.]*)?$/)
  .catch("/ops");

const cookie = (value: string, maxAgeSeconds: number) =>
  `${OPS_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${process.env.VERCEL ? "; Secure" : ""}`;

/**
 * Where the sign-in page was asked to go back to, from its own URL: the form the page shows before
 * its query has streamed in carries no `next` (a fast click, or a slow stream, must still land there).
 */
function nextFromReferer(request: Request): string | null {
  try {
    const referer = new URL(request.headers.get("referer") ?? "");
    return referer.pathname === "/ops/login" ? referer.searchParams.get("next") : null;
  } catch {
    return null;
  }
}

export async function POST(request: Request): Promise<Response> {
  const form = await request.formData().catch(() => null);
  const password = form?.get("password");
  const next = nextSchema.parse(form?.get("next") ?? nextFromReferer(request) ?? "/ops");
  const back = (error: string) => new Response(null, { status: 303, headers: { Location: `/ops/login?error=${error}&next=${encodeURIComponent(next)}` } });
  if (typeof password !== "string" || password.length === 0) return back("missing");
  const client = (request.headers.get("x-forwarded-for") ?? "local").split(",")[0]?.trim() ?? "local";
  try {
    const redis = getRedis();
    const attemptsKey = keys.opsLoginAttempts(client, Math.floor(Date.now() / 60_000));
    const attempts = await redis.incr(attemptsKey);
    if (attempts === 1) await redis.expire(attemptsKey, 120);
    if (attempts > ATTEMPTS_PER_MINUTE) return back("slow-down");
  } catch (error) {
    log.warn("ops.login_rate_limit_unavailable", { error: errorMessage(error) });
  }
  if (!(await passwordMatches(process.env, password))) {
    log.warn("ops.login_failed", { client });
    return back("wrong");
  }
  const token = await createSession(process.env);
  if (!token) return back("not-configured");
  log.info("ops.login", { client });
  return new Response(null, { status: 303, headers: { Location: next, "Set-Cookie": cookie(token, SESSION_TTL_MS / 1000), "Cache-Control": "no-store" } });
}

export function DELETE(): Response {
  return new Response(null, { status: 204, headers: { "Set-Cookie": cookie("", 0) } });
}
