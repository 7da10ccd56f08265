import { mkdtempSync, readFileSync, rmSync, truncateSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "@/lib/redis/client";
import { channelKeys, keys } from "@/lib/redis/keys";
import { assertPortFree } from "@/harness/ports";
import { seedStock } from "@/scripts/stack/seed";
import { launcherPorts, readManifest, runStart, untilRunning, type Launch, type LaunchedStack } from "../support/launcher";
import { eventually } from "../support/stack-client";

/**
 * `npm start`, stopped and started again, resumes the same world: Redis keeps its append-only
 * file and every emulator its state file, so after a Ctrl-C (SIGTERM) and after a killed launcher
 * (SIGKILL) the channels hold what the projection wants, a full drift pass finds nothing to do,
 * and the restart opens no incident.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), "stack-restart-"));
let running: Launch | undefined;
afterAll(async () => {
  // A failed case leaves its launcher up: stop it before removing the folder it writes to.
  if (running && running.child.exitCode === null) {
    running.child.kill("SIGTERM");
    await running.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const CHANNELS = ["shopify", "marketplace", "erp"] as const;
/** Well-stocked SKUs of the seed (≥ 10 at every location): the demo's one-unit sales cannot sell them out. */
const [SHOP_SKU, MARKET_SKU, TILL_SKU, RECEIVED_SKU] = Object.entries(seedStock())
  .filter(([, perLocation]) => Object.values(perLocation).every((n) => n >= 10))
  .map(([sku]) => sku);
const getJson = async <T>(url: string, init?: RequestInit): Promise<T> => (await (await fetch(url, init)).json()) as T;
const post = (url: string, body: unknown = {}) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const redisOf = (s: LaunchedStack) => createRedis(s.bridgeUrl, s.secrets.upstashToken);

/** Why the world is not yet quiet (something still to deliver, pick, apply or push), or null. */
async function busy(s: LaunchedStack): Promise<string | null> {
  const e = s.emulators;
  const shopify = await getJson<{ webhooks: { pending: number }; fulfillment: { pending: number } | null }>(`${e.shopify}/_emulator/stats`);
  if (shopify.webhooks.pending + (shopify.fulfillment?.pending ?? 0) > 0) return "shopify has webhooks or order forwards to deliver";
  // Each of these answers once what it had to send has been delivered.
  await Promise.all([post(`${e.wms}/_emulator/flush`), post(`${e.pos}/_emulator/flush`), post(`${e.marketplace}/_emulator/idle`)]);
  const open = await getJson<{ orders: unknown[] }>(`${e.wms}/_emulator/orders?status=open`);
  if (open.orders.length > 0) return `the WMS has ${open.orders.length} orders to pick`;
  const r = redisOf(s);
  if ((await r.xlen(keys.intakeStream)) > 0) return "the intake stream has events to apply";
  for (const c of CHANNELS)
    if ((await r.hlen(channelKeys.dirty(c))) + (await r.hlen(channelKeys.inflight(c))) + (await r.exists(channelKeys.flushLock(c))) > 0)
      return `${c} has writes to push`;
  return null;
}

async function settle(s: LaunchedStack): Promise<void> {
  const reason = await eventually(
    () => busy(s),
    (why) => why === null,
    90_000,
    250,
  );
  expect(reason).toBeNull();
}

interface PassAnswer {
  pass: { startedAt: number; total: number; done: number; drifted: number; corrected: number; needsHuman: number };
  finished: boolean;
}

/** A whole drift pass, started now (the stack's own cron never runs it here: RECONCILE_INTERVAL_MS=0). */
async function fullPass(s: LaunchedStack): Promise<PassAnswer["pass"]> {
  const since = Date.now();
  for (let i = 0; i < 50; i++) {
    const answer = await getJson<PassAnswer>(`${s.appUrl}/api/worker/reconcile`, { headers: { authorization: `Bearer ${s.secrets.cronSecret}` } });
    if (answer.finished && answer.pass.startedAt >= since - 1_000) return answer.pass;
  }
  throw new Error("no drift pass finished");
}

const incidentIds = async (s: LaunchedStack) => (await redisOf(s).hkeys(keys.incidents)).sort();

async function stop(run: Launch, signal: "SIGTERM" | "SIGKILL", ports: Record<string, string>): Promise<void> {
  run.child.kill(signal);
  const code = await run.exited;
  if (signal === "SIGTERM") expect(code).toBe(0);
  // Even a killed launcher leaves no server on its ports (guardians stop redis-server and next start).
  for (const [name, port] of Object.entries(ports)) {
    const free = await eventually(
      () =>
        assertPortFree(Number(port), name).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      15_000,
      100,
    );
    expect(free, `${name} (${port}) still taken after ${signal}`).toBe(true);
  }
}

describe("npm start, stopped and started again", () => {
  it("resumes the same world after Ctrl-C and after a killed launcher: channels equal to the projection, no drift, no new incident", async () => {
    const ports = await launcherPorts();
    const env = { ...ports, SEED: "1", RECONCILE_INTERVAL_MS: "0", CRON_INTERVAL_MS: "1000" };

    // A first run with the demo's shoppers on every channel, stopped with Ctrl-C mid-traffic.
    const start = (traffic: "0" | "1") => (running = runStart(dataDir, { ...env, DEMO_TRAFFIC: traffic }));
    let run = start("1");
    await untilRunning(run);
    let s = readManifest(dataDir);
    const orders = await eventually(
      () => getJson<{ orders: unknown[] }>(`${s.emulators.wms}/_emulator/orders`),
      (o) => o.orders.length >= 3,
      60_000,
      250,
    );
    expect(orders.orders.length).toBeGreaterThanOrEqual(3);
    await stop(run, "SIGTERM", ports);

    // Started again (no traffic now): once what was in flight has landed, nothing differs anywhere.
    run = start("0");
    await untilRunning(run);
    s = readManifest(dataDir);
    await settle(s);
    expect(await fullPass(s)).toMatchObject({ drifted: 0, corrected: 0, needsHuman: 0 });
    const incidents = await incidentIds(s);
    const wmsOrders = (await getJson<{ orders: unknown[] }>(`${s.emulators.wms}/_emulator/orders`)).orders.length;
    expect(wmsOrders).toBeGreaterThanOrEqual(orders.orders.length); // the history is still there

    // Work under way on three channels and the warehouse, then the launcher is killed outright.
    const checkout = await post(`${s.emulators.shopify}/_emulator/checkout`, { lines: [{ sku: SHOP_SKU, quantity: 1 }] });
    expect(checkout.ok).toBe(true);
    expect((await post(`${s.emulators.marketplace}/_emulator/purchase`, { sku: MARKET_SKU, quantity: 1 })).ok).toBe(true);
    expect((await post(`${s.emulators.pos}/_emulator/sale`, { lines: [{ sku: TILL_SKU, quantity: 1 }] })).ok).toBe(true);
    expect((await post(`${s.emulators.wms}/_emulator/receive`, { sku: RECEIVED_SKU, locationId: "wh-west", quantity: 4 })).ok).toBe(true);
    await stop(run, "SIGKILL", ports);

    // Started again after the kill: what was answered before the kill is all there, and consistent.
    run = start("0");
    await untilRunning(run);
    s = readManifest(dataDir);
    await settle(s);
    expect(await fullPass(s)).toMatchObject({ drifted: 0, corrected: 0, needsHuman: 0 });
    expect(await incidentIds(s)).toEqual(incidents);
    expect((await getJson<{ orders: unknown[] }>(`${s.emulators.wms}/_emulator/orders`)).orders.length).toBe(wmsOrders + 3);
    await stop(run, "SIGTERM", ports);

    // A damaged state file stops the start with one line naming it, never an empty world in its place.
    const shopifyFile = path.join(dataDir, "emulators", "shopify.json");
    const intact = readFileSync(shopifyFile);
    truncateSync(shopifyFile, Math.floor(intact.length / 2));
    run = start("0");
    expect(await run.exited).toBe(1);
    expect(run.err().trim().split("\n")).toEqual([
      expect.stringMatching(/^error: .*shopify\.json is torn or corrupt \(not valid JSON\); start over with `npm start -- --fresh`$/),
    ]);
    expect(readFileSync(shopifyFile).length).toBe(Math.floor(intact.length / 2)); // left for a human to look at
  }, 300_000);
});
