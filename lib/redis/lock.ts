import type { Redis } from "@upstash/redis";
import { runScript } from "./run-script";
import { RELEASE_LOCK_LUA } from "./scripts/channel-scripts";

/**
 * A Redis lease: SET NX PX with a random token. Used so that only one worker flushes a
 * channel at a time — two flushers planning from the same beliefs would write one change twice.
 */
export async function acquireLock(redis: Redis, key: string, ttlMs: number): Promise<string | null> {
  const token = crypto.randomUUID();
  const ok = await redis.set(key, token, { nx: true, px: Math.max(1_000, Math.ceil(ttlMs)) });
  return ok === "OK" ? token : null;
}

export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await runScript(redis, RELEASE_LOCK_LUA, [key], [token]);
}
