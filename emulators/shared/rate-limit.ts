import { z } from "zod";

/**
 * A token bucket per key (an API key, a client id), the way sellers' APIs publish their
 * limits: a sustained rate plus a burst. Refused calls cost nothing, so a client that obeys
 * `Retry-After` always gets through after waiting.
 */
export const rateLimitSchema = z.object({
  perSecond: z.number().positive().max(1_000_000),
  burst: z.number().int().min(1).max(1_000_000),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private current: RateLimit;

  constructor(
    limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.current = rateLimitSchema.parse(limit);
  }

  get limit(): RateLimit {
    return { ...this.current };
  }

  /** New limits apply at once; tokens already earned are kept, capped at the new burst. */
  configure(limit: RateLimit): void {
    const next = rateLimitSchema.parse(limit);
    for (const bucket of this.buckets.values()) this.refill(bucket);
    this.current = next;
    for (const bucket of this.buckets.values()) bucket.tokens = Math.min(bucket.tokens, next.burst);
  }

  /** Take `cost` tokens from `key`'s bucket, or say (in whole seconds, ≥ 1) when that will work. */
  take(key: string, cost = 1): TakeResult {
    if (!(cost > 0 && cost <= this.current.burst)) throw new RangeError(`cost ${cost} must be in (0, burst=${this.current.burst}]`);
    const bucket = this.buckets.get(key) ?? { tokens: this.current.burst, at: this.now() };
    this.buckets.set(key, bucket);
    this.refill(bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true, remaining: Math.floor(bucket.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / this.current.perSecond)) };
  }

  private refill(bucket: Bucket): void {
    const now = this.now();
    bucket.tokens = Math.min(this.current.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.current.perSecond);
    bucket.at = now;
  }
}
