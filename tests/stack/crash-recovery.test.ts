import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { createRedis } from "@/lib/redis/client";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { INTAKE_GROUP, keys } from "@/lib/redis/keys";
import { startEdgeConfigServer, type EdgeConfigServerHandle } from "@/harness/edge-config-server";
import { freePort } from "@/harness/ports";
import { startRedisServer, type RedisServerHandle } from "@/harness/redis-server";
import { startUpstashBridge, type UpstashBridgeHandle } from "@/harness/upstash-bridge";
import { createStockContext } from "@/lib/context";
import { drainIntake } from "@/workers/drain";

/**
 * I7 with the real drain worker (workers/drain.ts), SIGKILLed mid-batch in a process of its
 * own: once right after it read the batch, once after it applied it but before the ack. Its
 * entry stays pending; another worker claims it and every event counts exactly once. On a Redis
 * of its own (no cron, no other test's deliveries to grab), so nothing races the claim; it needs
 * nothing of the shared stack.
 */
const root = path.resolve(import.meta.dirname, "..", "..");
const TOKEN = "crash-bridge-token-0123456789";
let dir: string;
let redisServer: RedisServerHandle;
let bridge: UpstashBridgeHandle;
let edge: EdgeConfigServerHandle;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "crash-recovery-"));
  redisServer = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendFsync: "everysec" });
  bridge = await startUpstashBridge({ redisUrl: redisServer.url, token: TOKEN, port: await freePort() });
  // The worker reads the policy (Edge Config) when it queues channel writes.
  const policyFile = path.join(dir, "edge-config.json");
  copyFileSync(path.join(root, "scripts", "stack", "edge-config.json"), policyFile);
  edge = await startEdgeConfigServer({ port: await freePort(), token: "crash-edge-token-0123456789", file: policyFile });
  process.env.EDGE_CONFIG = edge.connectionString;
}, 60_000);
afterAll(async () => {
  await edge?.stop();
  await bridge?.stop();
  await redisServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Run the real drain in a child; resolve with its output once it paused at `stage` and was SIGKILLed there. */
function killDrainAt(stage: "read" | "applied"): Promise<{ signal: NodeJS.Signals | null; stdout: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "tests", "support", "drain-runner.ts"), bridge.url, TOKEN, stage], {
    cwd: root,
    env: { ...process.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("PAUSED ")) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ signal, stdout }));
  });
}

const receipts = (sku: string, count: number): StockEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `crash-${sku}-${i}`,
    kind: "receipt",
    sku,
    locationId: "wh-east",
    quantity: 1 + (i % 3),
    occurredAt: "2026-11-27T10:00:00.000Z",
    source: "wms",
    sourceUri: "test://crash",
  }));
const total = (events: readonly StockEvent[]) => events.reduce((n, e) => n + ("quantity" in e ? e.quantity : 0), 0);

describe("I7: nothing acknowledged is lost", () => {
  for (const stage of ["read", "applied"] as const) {
    it(`the real drain worker SIGKILLed after it ${stage === "read" ? "read its batch" : "applied its batch, before the ack"}: another claims it, every event applied exactly once`, async () => {
      const redis = createRedis(bridge.url, TOKEN);
      const sku = `CRASH-${stage.toUpperCase()}`;
      const events = receipts(sku, 40);
      await enqueueDelivery(redis, "wms", null, events);

      const { signal, stdout } = await killDrainAt(stage);
      expect(signal).toBe("SIGKILL");
      expect(stdout).toContain(`PAUSED ${stage} deliveries=1 events=40`);
      const onHand = async () => Number((await redis.hget(keys.projection(sku), "oh:wh-east")) ?? 0);
      // Killed after the read: nothing applied yet. After the apply: all in, but not acknowledged.
      expect(await onHand()).toBe(stage === "read" ? 0 : total(events));
      const pending = async () => (await redis.xpending(keys.intakeStream, INTAKE_GROUP, "-", "+", 100, { consumer: "doomed-consumer" })) as unknown[];
      expect(await pending()).toHaveLength(1);

      // Another worker claims the dead one's entry (idle for at least 0 ms: no waiting on a clock).
      const stats = await drainIntake(createStockContext(process.env, { redis }), { consumer: "survivor", claimIdleMs: 0 });
      expect(stats.deliveries).toBe(1);
      expect({ applied: stats.applied, duplicates: stats.duplicates }).toEqual(
        stage === "read" ? { applied: 40, duplicates: 0 } : { applied: 0, duplicates: 40 },
      );
      expect(await onHand()).toBe(total(events));
      expect(await pending()).toHaveLength(0);
      expect(await redis.xlen(keys.intakeStream)).toBe(0);
      const ledger = Object.values(await redis.xrange(keys.ledger(sku), "-", "+"));
      expect(ledger).toHaveLength(40);
      expect(new Set(ledger.map((entry) => (entry as { event: string }).event)).size).toBe(40);
    }, 60_000);
  }
});
