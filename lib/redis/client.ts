import { Redis } from "@upstash/redis";
import { z } from "zod";

/**
 * The one Redis client. Only `@upstash/redis` over HTTP (docs/architecture.md#runtimes): Upstash in the cloud
 * (Vercel's KV_* names too), the local Upstash-REST bridge otherwise. Edge-portable.
 */
const redisEnvSchema = z
  .object({
    UPSTASH_REDIS_REST_URL: z.url().optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    KV_REST_API_URL: z.url().optional(),
    KV_REST_API_TOKEN: z.string().min(1).optional(),
  })
  .transform((env) => ({
    url: env.UPSTASH_REDIS_REST_URL ?? env.KV_REST_API_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN ?? env.KV_REST_API_TOKEN,
  }))
  .refine((c): c is { url: string; token: string } => Boolean(c.url && c.token), {
    message: "set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (or KV_REST_API_URL and KV_REST_API_TOKEN)",
  });

/** A client for the database `env` names; throws, naming the variables, when it names none. */
export function redisFromEnv(env: Readonly<Record<string, string | undefined>>): Redis {
  const parsed = redisEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Redis is not configured: ${parsed.error.issues[0]?.message ?? "invalid env"}`);
  return createRedis(parsed.data.url, parsed.data.token);
}

let processClient: Redis | undefined;

/** The app's client (this process's env), built once. Tests build their own context instead. */
export const getRedis = (): Redis => (processClient ??= redisFromEnv(process.env));

/** Concurrent commands are batched into one `/pipeline` request per tick. */
export const createRedis = (url: string, token: string): Redis =>
  new Redis({ url, token, enableAutoPipelining: true, retry: { retries: 2, backoff: (n) => 50 * 2 ** n }, enableTelemetry: false });
