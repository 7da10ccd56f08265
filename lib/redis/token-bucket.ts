import type { Redis } from "@upstash/redis";
import { z } from "zod";
import type { Channel } from "../domain/events";
import { channelKeys } from "./keys";
import { runScript } from "./run-script";
import { CORRECT_TOKENS_LUA, TAKE_TOKENS_LUA } from "./scripts/channel-scripts";

/** Our own budget for a channel, kept below the channel's published limit. */
export interface BucketSize {
  capacity: number;
  refillPerSecond: number;
}

/** 0 when `cost` was taken now; otherwise how long to wait before asking again. */
export async function takeTokens(redis: Redis, channel: Channel, size: BucketSize, cost: number, now = Date.now()): Promise<number> {
  const wait = await runScript(
    redis,
    TAKE_TOKENS_LUA,
    [channelKeys.bucket(channel)],
    [String(size.capacity), String(size.refillPerSecond), String(cost), String(now)],
  );
  return z.coerce.number().parse(wait);
}

/** Lower our tokens to what the channel reports (e.g. Shopify's throttleStatus), never raise them. */
export async function correctTokens(redis: Redis, channel: Channel, tokens: number, now = Date.now()): Promise<void> {
  await runScript(redis, CORRECT_TOKENS_LUA, [channelKeys.bucket(channel)], [String(Math.max(0, tokens)), String(now)]);
}

export async function bucketState(redis: Redis, channel: Channel): Promise<{ tokens: number; peakUsed: number }> {
  const raw = await redis.hgetall<Record<string, unknown>>(channelKeys.bucket(channel));
  return { tokens: Number(raw?.tokens ?? NaN), peakUsed: Number(raw?.peakUsed ?? 0) };
}

/** Wait until `cost` can be taken (or the deadline passes: then `false`). */
export async function waitForTokens(redis: Redis, channel: Channel, size: BucketSize, cost: number, deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
  for (;;) {
    const wait = await takeTokens(redis, channel, size, cost);
    if (wait === 0) return true;
    if (Date.now() + wait > deadline) return false;
    await new Promise((r) => setTimeout(r, wait));
  }
}
