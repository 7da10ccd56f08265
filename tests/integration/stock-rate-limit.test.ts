import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { createRedis } from "@/lib/redis/client";
import { checkStockRate } from "@/lib/stock/rate-limit";
import { startOwnRedis, type OwnRedis } from "../support/own-redis";

/**
 * The `/api/stock` per-client limit (lib/stock/rate-limit.ts) on a real redis-server through the
 * bridge. The limit is read from STOCK_RATE_LIMIT once per Redis client, so each case uses a
 * client of its own.
 */
let own: OwnRedis | undefined;
beforeAll(async () => {
  own = await startOwnRedis("stock-rate-limit");
}, 60_000);
afterAll(async () => own?.stop());

const from = (o: Record<string, string>) => new Headers(o);
async function clientWithLimit(limit: string | undefined) {
  if (limit === undefined) delete process.env.STOCK_RATE_LIMIT;
  else process.env.STOCK_RATE_LIMIT = limit;
  const redis = own!.client();
  // The limiter is built (and the env read) on the first limited check.
  await checkStockRate(redis, from({ "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 200)}` }));
  return redis;
}

/**
 * Calls sent in one tick go out as one auto-pipelined request and run back to back in Redis, so
 * no window edge falls between them by wall-clock luck (a sliding window discounts the previous
 * window's requests once one passes). Even then one edge could split them: hence "at least".
 */
async function burst(redis: ReturnType<typeof createRedis>, headers: Headers, n: number) {
  const results = await Promise.all(Array.from({ length: n }, () => checkStockRate(redis, headers)));
  return { allowed: results.filter((r) => !r.limited).length, refused: results.filter((r) => r.limited) };
}

describe("checkStockRate", () => {
  it("lets a client make its allowance, then refuses with the limit and a retry time within the window", async () => {
    const redis = await clientWithLimit("3/7s");
    const { allowed, refused } = await burst(redis, from({ "x-forwarded-for": "203.0.113.10" }), 8);
    expect(allowed).toBeGreaterThanOrEqual(3);
    expect(allowed).toBeLessThanOrEqual(4);
    expect(refused.length).toBe(8 - allowed);
    for (const r of refused) {
      expect(r).toMatchObject({ limited: true, limit: 3 });
      if (!r.limited) throw new Error("unreachable");
      expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(7);
    }
    // Another address has its own allowance.
    expect(await checkStockRate(redis, from({ "x-forwarded-for": "203.0.113.11" }))).toEqual({ limited: false });
  });

  it("the retry time is what is left of the limit's fixed window, under the rl:stock prefix", async () => {
    // A 9999 s window: @upstash/ratelimit resets at the end of the current multiple of it.
    const redis = await clientWithLimit("1/9999s");
    const windowMs = 9_999_000;
    const leftSeconds = (t: number) => Math.max(1, Math.ceil(((Math.floor(t / windowMs) + 1) * windowMs - t) / 1000));
    const before = Date.now();
    const { refused } = await burst(redis, from({ "x-forwarded-for": "203.0.113.20" }), 3);
    const after = Date.now();
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      if (!r.limited) throw new Error("unreachable");
      // Between what was left when the burst left and what was left when its answers came back.
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(Math.max(leftSeconds(before), leftSeconds(after)));
      expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(Math.min(leftSeconds(before), leftSeconds(after)));
    }
    expect((await redis.keys("rl:stock:203.0.113.20*")).length).toBeGreaterThan(0);
  });

  it("never limits the machine itself or a request without an address", async () => {
    const redis = await clientWithLimit("1/10s");
    expect(await checkStockRate(redis, from({ "x-forwarded-for": "127.0.0.1" }))).toEqual({ limited: false });
    for (const address of ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"])
      expect((await burst(redis, from({ "x-forwarded-for": address }), 4)).allowed).toBe(4);
    expect((await burst(redis, from({}), 4)).allowed).toBe(4);
    // Only the loopback prefix is trusted: addresses that merely contain it are limited.
    for (const address of ["10.127.0.1", "::10", "::1:5"]) {
      const { allowed, refused } = await burst(redis, from({ "x-forwarded-for": address }), 4);
      expect(allowed, address).toBeLessThanOrEqual(2);
      expect(refused[0], address).toMatchObject({ limited: true, limit: 1 });
    }
  });

  it("a malformed or missing setting falls back to 120 per 10 s", async () => {
    for (const setting of ["lots", "120/10", undefined]) {
      const redis = await clientWithLimit(setting);
      const { allowed, refused } = await burst(redis, from({ "x-forwarded-for": `192.0.2.${String(setting).length}` }), 130);
      expect(allowed, String(setting)).toBeGreaterThanOrEqual(120);
      expect(allowed, String(setting)).toBeLessThanOrEqual(121);
      expect(refused[0], String(setting)).toMatchObject({ limited: true, limit: 120 });
    }
  });
});
