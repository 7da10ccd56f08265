import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signBody } from "@/lib/http/hmac";
import { createRedis } from "@/lib/redis/client";
import { readSnapshots } from "@/lib/redis/projection-store";
import { startEdgeConfigServer, type EdgeConfigServerHandle } from "@/harness/edge-config-server";
import { startNextApp, type RunningApp } from "@/scripts/stack/next-app";
import { freePort } from "@/harness/ports";
import { startRedisServer, type RedisServerHandle } from "@/harness/redis-server";
import { startUpstashBridge, type UpstashBridgeHandle } from "@/harness/upstash-bridge";
import { drainAll } from "../support/drain";

/**
 * Crashes under load, on a stack of its own (the shared one keeps serving the other tests):
 * the app SIGKILLed with 1,000 signed events in flight, and redis-server SIGKILLed and
 * restarted under load. Every acknowledged event is applied exactly once; while Redis is
 * down nothing is acknowledged, /api/stock says 503 with Retry-After, never a number, and
 * /api/health says 503. Also here, because it needs an app no other test signs in to: the
 * /ops sign-in limit of 10 attempts a minute per address.
 */
const root = path.resolve(import.meta.dirname, "..", "..");
const TOKEN = "fault-bridge-token-0123456789";
const SECRETS = {
  CRON_SECRET: "fault-cron-secret-0123456789",
  WMS_WEBHOOK_SECRET: "fault-wms-secret-0123456789",
  OPS_PASSWORD: "fault-ops-password-0123456789",
};
let dir: string;
let redisPort: number;
let redis: RedisServerHandle;
let bridge: UpstashBridgeHandle;
let edge: EdgeConfigServerHandle;
let app: RunningApp;
let appPort: number;
let appEnv: Record<string, string>;

const startApp = () => startNextApp({ root, port: appPort, env: appEnv, logFile: path.join(dir, "app.log") });
const startRedis = () => startRedisServer({ port: redisPort, dir: path.join(dir, "redis"), appendFsync: "always" });

interface Sent {
  id: string;
  sku: string;
  quantity: number;
}

function events(prefix: string, count: number, skus: number): Sent[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, sku: `${prefix.toUpperCase()}-${i % skus}`, quantity: 1 + (i % 3) }));
}

/** One signed WMS receipt; the status, or 0 when the connection failed. */
async function send(e: Sent): Promise<number> {
  const body = JSON.stringify({ id: e.id, type: "receipt", sku: e.sku, locationId: "wh-east", quantity: e.quantity, occurredAt: "2026-11-27T10:00:00.000Z" });
  try {
    const response = await fetch(`http://127.0.0.1:${appPort}/api/webhooks/wms`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-signature-sha256": signBody(body, SECRETS.WMS_WEBHOOK_SECRET) },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Send all with `concurrency` in flight; `during(i)` runs as event i goes out. */
async function sendAll(list: readonly Sent[], concurrency: number, during?: (i: number) => Promise<void> | void): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < list.length) {
        const i = next++;
        await during?.(i);
        statuses.set(list[i]!.id, await send(list[i]!));
      }
    }),
  );
  return statuses;
}

/** On-hand per SKU must equal the sum of its events, each counted once. */
async function expectExactlyOnce(list: readonly Sent[]): Promise<void> {
  const want = new Map<string, number>();
  for (const e of list) want.set(e.sku, (want.get(e.sku) ?? 0) + e.quantity);
  const snapshots = await readSnapshots(createRedis(bridge.url, TOKEN), [...want.keys()]);
  for (const [sku, total] of want) expect({ sku, onHand: snapshots.get(sku)?.projection.onHand["wh-east"] }).toEqual({ sku, onHand: total });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "app-faults-"));
  redisPort = await freePort();
  redis = await startRedis();
  bridge = await startUpstashBridge({ redisUrl: redis.url, token: TOKEN, port: await freePort() });
  const policyFile = path.join(dir, "edge-config.json");
  copyFileSync(path.join(root, "scripts", "stack", "edge-config.json"), policyFile);
  edge = await startEdgeConfigServer({ port: await freePort(), token: "fault-edge-token-0123456789", file: policyFile });
  appPort = await freePort();
  appEnv = {
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: TOKEN,
    EDGE_CONFIG: edge.connectionString,
    INTAKE_CLAIM_IDLE_MS: "1000",
    ...SECRETS,
  };
  app = await startApp();
}, 120_000);

afterAll(async () => {
  await app?.stop().catch(() => undefined);
  await edge?.stop();
  await bridge?.stop();
  await redis?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe("crashes under load", () => {
  it("kill -9 of the app with 1,000 signed events in flight: after a restart and the sender's retries, each applied exactly once", async () => {
    const list = events("kill", 1_000, 40);
    let killed = false;
    const first = await sendAll(list, 25, async (i) => {
      if (i === 300 && !killed) {
        killed = true;
        if (app.child.pid) process.kill(-app.child.pid, "SIGKILL");
      }
    });
    const acked = [...first.values()].filter((s) => s === 202).length;
    expect(acked).toBeGreaterThanOrEqual(250);
    expect(acked).toBeLessThan(1_000);
    app = await startApp();
    // The sender retries everything it is not sure about — here, simply everything.
    const second = await sendAll(list, 25);
    expect([...second.values()].every((s) => s === 202)).toBe(true);
    await drainAll(`http://127.0.0.1:${appPort}`, SECRETS.CRON_SECRET);
    await expectExactlyOnce(list);
  }, 180_000);

  it("redis-server SIGKILLed and restarted under load: nothing acknowledged is lost; meanwhile 503 + Retry-After, never a number", async () => {
    const list = events("redis", 400, 20);
    const probe = new IORedis(redis.url);
    const pid = Number(/process_id:(\d+)/.exec(await probe.info("server"))?.[1]);
    probe.disconnect();
    expect(pid).toBeGreaterThan(0);
    let down: { stock: Response; webhook: number; health: Response } | null = null;
    const statuses = await sendAll(list, 8, async (i) => {
      if (i !== 150) return;
      process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      down = {
        stock: await fetch(`http://127.0.0.1:${appPort}/api/stock?sku=REDIS-1`),
        webhook: await send({ id: "while-down", sku: "REDIS-DOWN", quantity: 1 }),
        health: await fetch(`http://127.0.0.1:${appPort}/api/health`),
      };
      redis = await startRedis();
    });
    const seen = down as { stock: Response; webhook: number; health: Response } | null;
    expect(seen?.health.status).toBe(503);
    expect(await seen?.health.json()).toMatchObject({ ok: false });
    expect(seen?.health.headers.get("retry-after")).toBeTruthy();
    expect(seen?.stock.status).toBe(503);
    expect(seen?.stock.headers.get("retry-after")).toBeTruthy();
    expect(await seen?.stock.text()).not.toMatch(/"available"/);
    expect(seen?.webhook).toBe(503);
    const acked = [...statuses.values()].filter((s) => s === 202).length;
    expect(acked).toBeGreaterThan(100);
    // Recovery is automatic: the same app answers again without a restart.
    let ok = 0;
    for (let i = 0; i < 100 && ok !== 200; i++) {
      ok = (await fetch(`http://127.0.0.1:${appPort}/api/stock?sku=REDIS-1`)).status;
      if (ok !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ok).toBe(200);
    expect((await fetch(`http://127.0.0.1:${appPort}/api/health`)).status).toBe(200);
    // The sender retries what was not acknowledged (503s, failed connections).
    const retry = list.filter((e) => statuses.get(e.id) !== 202);
    expect([...(await sendAll(retry, 8)).values()].every((s) => s === 202)).toBe(true);
    await drainAll(`http://127.0.0.1:${appPort}`, SECRETS.CRON_SECRET);
    await expectExactlyOnce(list);
  }, 180_000);

  it("/ops sign-in: at most 10 attempts a minute per address, then refused even with the right password", async () => {
    const signIn = (client: string, password: string) =>
      fetch(`http://127.0.0.1:${appPort}/api/ops/session`, {
        method: "POST",
        redirect: "manual",
        headers: { "x-forwarded-for": client },
        body: new URLSearchParams({ password, next: "/ops" }),
      });
    const outcome = (r: Response) => (r.headers.get("location") ?? "").match(/error=([\w-]+)/)?.[1] ?? (r.headers.get("set-cookie") ? "signed-in" : "none");
    // The window is the calendar minute: a round that straddles a minute boundary is not a
    // verdict, so it is run again for a fresh address (a round takes well under a second).
    for (let round = 0; round < 3; round++) {
      const client = `203.0.113.${10 + round}`;
      const minute = Math.floor(Date.now() / 60_000);
      const outcomes: string[] = [];
      for (let i = 0; i < 10; i++) outcomes.push(outcome(await signIn(client, "not-the-password")));
      const eleventh = await signIn(client, SECRETS.OPS_PASSWORD);
      const other = await signIn(`198.51.100.${round}`, SECRETS.OPS_PASSWORD);
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      expect(outcomes).toEqual(Array.from({ length: 10 }, () => "wrong"));
      expect(eleventh.status).toBe(303);
      expect(outcome(eleventh)).toBe("slow-down");
      expect(eleventh.headers.get("set-cookie")).toBeNull();
      // Another address is not affected, and the right password works there.
      expect(outcome(other)).toBe("signed-in");
      expect(other.headers.get("location")).toBe("/ops");
      return;
    }
    throw new Error("three rounds in a row straddled a minute boundary");
  });
});
