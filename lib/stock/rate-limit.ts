import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { keys } from "../redis/keys";

/**
 * `/api/stock` per client: a sliding window in Redis (`@upstash/ratelimit`), checked in the
 * same pipelined round trip as the read. The first line of defence is the CDN (identical reads
 * collapse for a second); this stops one client from hammering the origin. A shop tab polls
 * a few times per 10 s, so the default (120 per 10 s) leaves room for a busy office behind one
 * address. The machine itself (loopback: health checks, local tools) is not limited.
 */
const limitSchema = z
  .string()
  .regex(/^\d{1,6}\/\d{1,4}s$/, 'expected "<requests>/<seconds>s", e.g. "120/10s"')
  .transform((v) => {
    const [requests, seconds] = v.slice(0, -1).split("/").map(Number);
    return { requests: requests ?? 120, seconds: seconds ?? 10 };
  });

let limiter: { redis: Redis; limit: Ratelimit } | undefined;

function limiterFor(redis: Redis): Ratelimit {
  if (limiter?.redis === redis) return limiter.limit;
  const { requests, seconds } = limitSchema.catch({ requests: 120, seconds: 10 }).parse(process.env.STOCK_RATE_LIMIT ?? "120/10s");
  const limit = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(requests, `${seconds} s`),
    prefix: keys.stockRateLimitPrefix,
    ephemeralCache: new Map(),
    analytics: false,
  });
  limiter = { redis, limit };
  return limit;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The client's address as the platform reports it (Vercel sets x-forwarded-for; clients cannot forge its first hop there). */
export function clientAddress(headers: Headers): string | null {
  const first = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip")?.trim() || null;
  return first && first.length <= 64 ? first : null;
}

export type RateDecision = { limited: false } | { limited: true; retryAfterSeconds: number; limit: number };

export async function checkStockRate(redis: Redis, headers: Headers): Promise<RateDecision> {
  const client = clientAddress(headers);
  if (!client || LOOPBACK.test(client)) return { limited: false };
  const result = await limiterFor(redis).limit(client);
  if (result.success) return { limited: false };
  return { limited: true, limit: result.limit, retryAfterSeconds: Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)) };
}
