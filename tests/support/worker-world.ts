import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { vi } from "vitest";
import type { Redis } from "@upstash/redis";
import { createStockContext, type StockContext } from "@/lib/context";
import { createRedis } from "@/lib/redis/client";
import { INTAKE_GROUP, keys } from "@/lib/redis/keys";
import { startEdgeConfigServer } from "@/harness/edge-config-server";
import { freePort } from "@/harness/ports";
import { startOwnRedis } from "./own-redis";

/**
 * The smallest world the workers run in, for the fast worker tests: a redis-server + bridge
 * and an Edge Config server of this file's own (the stack's policy), and no channel configured
 * unless a test sets one (no Shopify, marketplace or ERP env). Starts in well under a second.
 */
const CHANNEL_ENV = [
  "SHOPIFY_STORE_DOMAIN",
  "SHOPIFY_ADMIN_ACCESS_TOKEN",
  "SHOPIFY_CLIENT_ID",
  "SHOPIFY_CLIENT_SECRET",
  "SHOPIFY_ADMIN_API_URL",
  "MARKETPLACE_API_URL",
  "MARKETPLACE_API_KEY",
  "ERP_API_URL",
  "ERP_API_KEY",
  "ALERT_WEBHOOK_URL",
  "ALERT_WEBHOOK_FORMAT",
  "ALERT_ROUTING_KEY",
  "EMAIL_TRANSPORT",
  "EMAIL_API_URL",
  "EMAIL_API_KEY",
];

export async function startWorkerWorld(name: string) {
  const root = path.resolve(import.meta.dirname, "..", "..");
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const policyFile = path.join(dir, "edge-config.json");
  copyFileSync(path.join(root, "scripts", "stack", "edge-config.json"), policyFile);
  const redis = await startOwnRedis(name);
  const edge = await startEdgeConfigServer({ port: await freePort(), token: "edge-config-token-0123456789", file: policyFile });
  for (const key of CHANNEL_ENV) delete process.env[key];
  Object.assign(process.env, { UPSTASH_REDIS_REST_URL: redis.url, UPSTASH_REDIS_REST_TOKEN: redis.token, EDGE_CONFIG: edge.connectionString });
  client = createRedis(redis.url, redis.token);
  return {
    redis,
    /** Rewrites the served policy (e.g. a channel switched off) and waits until the app reads it. */
    async editPolicy(edit: (policy: Record<string, unknown>) => void): Promise<void> {
      const policy = JSON.parse(readFileSync(policyFile, "utf8")) as Record<string, unknown>;
      edit(policy);
      writeFileSync(policyFile, JSON.stringify(policy));
      await edge.reload();
    },
    stop: async () => {
      await edge.stop().catch(() => undefined);
      await redis.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let client: Redis | undefined;

/** This file's Redis, through one client (the workers' contexts share it). */
export function testRedis(): Redis {
  if (!client) throw new Error("startWorkerWorld first");
  return client;
}

/**
 * A context on this file's world, built from the env as it is now: tests switch a channel on or
 * off by setting its env, and each context reads the policy afresh (no cache to reset).
 */
export const workerContext = (parts: Partial<StockContext> = {}): StockContext => createStockContext(process.env, { redis: testRedis(), ...parts });

/**
 * Empty the file's Redis between tests. The intake consumer group is created once per client
 * (lib/redis/intake-queue.ts), so it is put back here rather than left to the next drain.
 */
export async function emptyRedis(): Promise<void> {
  const redis = testRedis();
  await redis.flushall();
  await redis.xgroup(keys.intakeStream, { type: "CREATE", group: INTAKE_GROUP, id: "0", options: { MKSTREAM: true } });
}

export interface LogLine {
  level: "info" | "warn" | "error";
  event: string;
  [field: string]: unknown;
}

/**
 * The structured log lines (lib/log.ts) written while the returned list is live: what ops
 * alerting and the runbook read, so the tests hold the workers to them. Restore with
 * `vi.restoreAllMocks()`.
 */
export function captureLogs(): LogLine[] {
  const lines: LogLine[] = [];
  const keep = (raw: unknown) => {
    if (typeof raw !== "string") return;
    try {
      const parsed = JSON.parse(raw) as LogLine;
      if (parsed && typeof parsed.event === "string") lines.push(parsed);
    } catch {
      // not one of ours
    }
  };
  vi.spyOn(console, "log").mockImplementation(keep);
  vi.spyOn(console, "error").mockImplementation(keep);
  return lines;
}

export const eventsNamed = (lines: readonly LogLine[], event: string) => lines.filter((l) => l.event === event);
