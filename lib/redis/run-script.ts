import type { Redis } from "@upstash/redis";

/**
 * EVALSHA with an EVAL fallback (the client's Script does that), one Script object per
 * client and source so the SHA is computed once.
 */
const cache = new WeakMap<Redis, Map<string, ReturnType<Redis["createScript"]>>>();

export function runScript(redis: Redis, source: string, keys: string[], args: string[]): Promise<unknown> {
  let scripts = cache.get(redis);
  if (!scripts) cache.set(redis, (scripts = new Map()));
  let script = scripts.get(source);
  if (!script) scripts.set(source, (script = redis.createScript(source)));
  return script.exec(keys, args);
}
