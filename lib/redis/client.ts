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

let client: Redis | undefined;

export function getRedis(): Redis {
  if (client) return client;
  const parsed = redisEnvSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`Redis is not configured: ${parsed.error.issues[0]?.message ?? "invalid env"}`);
  client = createRedis(parsed.data.url, parsed.data.token);
  return client;
}

/** Concurrent commands are batched into one `/pipeline` request per tick. */
export const createRedis = (url: string, token: string): Redis =>
  new Redis({ url, token, enableAutoPipelining: true, retry: { retries: 2, backoff: (n) => 50 * 2 ** n }, enableTelemetry: false });

/** Tests and benchmarks that start several stacks in one process switch the client with the env. */
export const resetRedis = (): void => {
  client = undefined;
};
