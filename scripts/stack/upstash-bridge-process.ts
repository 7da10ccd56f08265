import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { UpstashBridgeHandle } from "../../harness/upstash-bridge";

/**
 * The Upstash-REST bridge in a process of its own, as Upstash is a service of its own: a busy
 * launcher (the flash-sale harness drives Chromium and hosts the emulators) must not add its
 * event-loop delays to every Redis call the app makes. Resolves once it listens.
 */
export async function startUpstashBridgeProcess(options: { redisUrl: string; token: string; port: number }): Promise<UpstashBridgeHandle> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "upstash-bridge-main.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, BRIDGE_REDIS_URL: options.redisUrl, BRIDGE_TOKEN: options.token, BRIDGE_PORT: String(options.port) },
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const ready = /^ready (\S+)$/.exec(line);
      if (ready?.[1]) resolve(ready[1]);
    });
    child.once("exit", (code) => reject(new Error(`the Upstash-REST bridge process exited with ${code} before listening`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Entry of the child: `BRIDGE_*` env in, `ready <url>` out. */
export const bridgeEnvSchema = z.object({
  BRIDGE_REDIS_URL: z.string().min(1),
  BRIDGE_TOKEN: z.string().min(1),
  BRIDGE_PORT: z.coerce.number().int().min(0).max(65_535),
});
