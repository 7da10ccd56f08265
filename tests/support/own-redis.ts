import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRedis } from "@/lib/redis/client";
import { freePort } from "@/harness/ports";
import { startRedisServer } from "@/harness/redis-server";
import { startUpstashBridge } from "@/harness/upstash-bridge";

/**
 * A redis-server and the Upstash-REST bridge of one test file's own (no append-only file), so
 * the file shares no state with any other and needs nothing of the shared stack. `client()`
 * is a new @upstash/redis client each call: each on connections of its own.
 */
export interface OwnRedis {
  url: string;
  token: string;
  client(): ReturnType<typeof createRedis>;
  stop(): Promise<void>;
}

export async function startOwnRedis(name: string): Promise<OwnRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const token = `${name}-token-0123456789abcdef`;
  const server = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendOnly: false });
  const bridge = await startUpstashBridge({ redisUrl: server.url, token, port: await freePort() }).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return {
    url: bridge.url,
    token,
    client: () => createRedis(bridge.url, token),
    stop: async () => {
      await bridge.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
