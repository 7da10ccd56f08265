import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, closeSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { demoCatalog, demoSkus } from "@/lib/catalog/demo-catalog";
import { signBody } from "@/lib/http/hmac";
import type { StockResponse } from "@/lib/stock/stock-view";
import { CLOUD_ENV } from "@/harness/cloud-env";
import { freePort } from "../../harness/ports";
import { fail, stackChoice } from "./bench-checks";
import { manifestPath, requireStatus, runningStack, signedPost, type BenchNeeds, type BenchStackInfo } from "./stack-info";

/**
 * The stack a benchmark measures. By default a fresh one of its own: `npm start`'s launcher in a
 * child process (as the published figures had it: the stack's emulators and Redis bridge never
 * share an event loop with the load generator) on free ports, with a temporary data folder, the
 * demo seed, no demo traffic and no background drift pass; stopped and deleted at the end, so a
 * figure never depends on what happened to be running. With `--running` / `BENCH_STACK=running`,
 * the `npm start` stack, its preconditions checked (stack-info.ts).
 */
export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface BenchStack extends BenchStackInfo {
  choice: "own" | "running";
}

const START_TIMEOUT_MS = 5 * 60_000;

export async function withBenchStack(name: string, needs: BenchNeeds, run: (stack: BenchStack) => Promise<void>): Promise<void> {
  const choice = stackChoice(process.argv.slice(2), process.env);
  if (choice === "running") {
    await run({ choice, ...(await runningStack(ROOT, needs)) });
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  console.log(`[bench] ${name}: starting a stack of its own (log in ${dataDir}/stack.log; --running measures \`npm start\` instead)`);
  const child = await startOwnStack(dataDir);
  // Ctrl-C mid-run: stop what this bench started (redis-server, next start) rather than orphan it.
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`error: interrupted (${signal}); stopping the bench's stack`);
    void stopChild(child).finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    await untilStarted(child, dataDir);
    // The same checks as for `npm start`, minus quiet: nothing but the bench drives this stack.
    const info = await runningStack(ROOT, { ...needs, quiet: false }, { STACK_DATA_DIR: dataDir });
    if (info.emulators.shopify) await untilSynced(info.emulators.shopify);
    await warmUp(info);
    await run({ choice, ...info });
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startOwnStack(dataDir: string): Promise<ChildProcess> {
  const port = async () => String(await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STACK_DATA_DIR: dataDir,
    PORT: await port(),
    REDIS_PORT: await port(),
    UPSTASH_BRIDGE_PORT: await port(),
    EDGE_CONFIG_PORT: await port(),
    SHOPIFY_EMULATOR_PORT: await port(),
    WMS_EMULATOR_PORT: await port(),
    MARKETPLACE_EMULATOR_PORT: await port(),
    POS_EMULATOR_PORT: await port(),
    ERP_EMULATOR_PORT: await port(),
    DEMO_TRAFFIC: "0",
    RECONCILE_INTERVAL_MS: "0",
    CRON_INTERVAL_MS: "10000",
    // A throwaway world: no emulator state files (their saves would sit in the emulators' answer times).
    PERSIST_WORLD: "0",
  };
  // Whatever cloud database the shell points at, a bench's own stack must never write into it.
  for (const name of [...CLOUD_ENV, "SEED", "EMULATORS", "APP_URL"]) delete env[name];
  const log = openSync(path.join(dataDir, "stack.log"), "w");
  try {
    return spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], { cwd: ROOT, env, stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
}

/** Until the launcher has written its manifest; its `error:` line if it exits first. */
async function untilStarted(child: ChildProcess, dataDir: string): Promise<void> {
  const manifest = manifestPath(ROOT, { STACK_DATA_DIR: dataDir });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(manifest)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const lines = readFileSync(path.join(dataDir, "stack.log"), "utf8").trim().split("\n");
      fail(`the bench's own stack did not start: ${lines.findLast((l) => l.startsWith("error:"))?.slice(7) ?? lines.at(-1) ?? `exit ${child.exitCode}`}`);
    }
    if (Date.now() > deadline) fail(`the bench's own stack did not start within ${START_TIMEOUT_MS / 60_000} minutes (log: ${dataDir}/stack.log)`);
    await sleep(250);
  }
}

/** SIGTERM, as Ctrl-C on `npm start`: it stops every service it started; SIGKILL if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const hung = await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)]);
  if (hung) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** The seed's first flush has put every level on the (empty at start) Shopify emulator, and nothing moves any more. */
async function untilSynced(shopify: string, timeoutMs = 60_000): Promise<void> {
  const logSchema = z.object({ changes: z.array(z.object({ at: z.number() })) });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { changes } = logSchema.parse(await (await fetch(`${shopify}/_emulator/inventory-log`)).json());
    const last = changes.at(-1)?.at;
    if (last !== undefined && Date.now() - last > 2_000) return;
    await sleep(250);
  }
  fail(`the bench's own stack did not put its seeded stock on the Shopify emulator within ${timeoutMs / 1000} s`);
}

/**
 * A just-started server answers its first requests of each route several times slower (module
 * loading, JIT, fresh connections): a first propagation run measured 3 s p50 where the next gave
 * 170 ms. The published figures came from a warm `npm start`, so a fresh stack is warmed the same
 * way: every route the benches use, and a few webhook batches through drain and flush to Shopify.
 */
async function warmUp(info: BenchStackInfo): Promise<void> {
  const skus = demoSkus();
  const get = async (url: string) => void (await (await fetch(url)).arrayBuffer());
  const stockQuery = skus
    .slice(0, 20)
    .map((s) => `sku=${s}`)
    .join("&");
  for (let round = 0; round < 20; round++)
    await Promise.all([get(`${info.appUrl}/api/health`), get(`${info.appUrl}/api/stock?sku=${skus[0]}`), get(`${info.appUrl}/api/stock?${stockQuery}`)]);
  for (const product of demoCatalog.products) await get(`${info.appUrl}/products/${product.handle}`);
  const occurredAt = new Date().toISOString();
  for (let batch = 0; batch < 10; batch++) {
    const events = skus
      .slice(0, 10)
      .map((sku, i) => ({ id: `bench-warmup-${Date.now().toString(36)}-${batch}-${i}`, type: "receipt", sku, locationId: "wh-east", quantity: 1, occurredAt }));
    await requireStatus(
      await signedPost(`${info.appUrl}/api/webhooks/wms`, { events }, info.secrets.wmsWebhookSecret, signBody),
      202,
      "the WMS webhook (warm-up)",
    );
    await sleep(200);
  }
  if (info.emulators.shopify) await untilSynced(info.emulators.shopify);
}

/** Demo SKUs the storefront sells at least `min` of (`/api/stock`); refuses when there are none. */
export async function requireStockedSkus(appUrl: string, skus: readonly string[], min: number, why: string): Promise<string[]> {
  const response = await fetch(`${appUrl}/api/stock?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}`);
  if (response.status !== 200) fail(`${appUrl}/api/stock answered HTTP ${response.status}`);
  const stock = (await response.json()) as StockResponse;
  const stocked = skus.filter((sku) => (stock.skus[sku]?.available ?? 0) >= min);
  if (stocked.length === 0)
    fail(`no demo SKU has ${min} or more for sale in /api/stock (${why}); a stack started with SEED=0, or sold out: run without --running for a fresh one`);
  return stocked;
}
