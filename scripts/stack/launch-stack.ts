import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { policySchema } from "@/lib/config/policy";
import type { DeliveryProfile } from "@/emulators/shared/webhook-sender";
import { RECONCILE_PATH, startCronRunner, cronPaths } from "./cron-runner";
import { startDemoTraffic } from "./demo-traffic";
import { startEmulators, type EmulatorPorts, type WorldOptions } from "./emulators";
import { startEdgeConfigServer } from "../../harness/edge-config-server";
import { ensureBuild, startNextApp } from "./next-app";
import { assertPortFree } from "../../harness/ports";
import { startRedisServer } from "../../harness/redis-server";
import { appSecretEnv, loadOrCreateSecrets, type StackSecrets } from "./secrets";
import { seedDemoStock } from "./seed";
import { startUpstashBridge } from "../../harness/upstash-bridge";
import { startUpstashBridgeProcess } from "./upstash-bridge-process";

/**
 * The whole local stack (docs/architecture.md#local-stack) as one function, used by `npm start` and by the test
 * suite: Redis → Upstash-REST bridge → Edge Config server → Next (production build) →
 * seed → cron runner. Cloud credentials in the env replace the local pieces they stand for.
 */
const PASS_THROUGH_ENV = [
  "INTAKE_CLAIM_IDLE_MS",
  "ALERT_WEBHOOK_URL",
  "ALERT_WEBHOOK_FORMAT",
  "ALERT_ROUTING_KEY",
  "EMAIL_TRANSPORT",
  "EMAIL_API_URL",
  "EMAIL_API_KEY",
  "EMAIL_FROM",
  "OPS_PASSWORD",
  "SHOP_NAME",
] as const;

export interface StackOptions {
  root: string;
  dataDir: string;
  ports: { app: number; redis: number; bridge: number; edgeConfig: number } & EmulatorPorts;
  /** Start the Shopify, WMS, marketplace, POS and ERP emulators (default: yes). */
  emulators?: boolean;
  /** Steady simulated shoppers and warehouse work for the demo. */
  demoTraffic?: boolean;
  delivery?: DeliveryProfile;
  /** A load scenario's world (stock, lags, where webhooks go); the demo's when absent. */
  world?: WorldOptions;
  /** The policy the local Edge Config server serves (default: scripts/stack/edge-config.json). */
  policyFile?: string;
  cronIntervalMs: number;
  /** How often the local cron runs the drift pass (0: never; tests drive it themselves). */
  reconcileIntervalMs?: number;
  seed: boolean;
  /**
   * Keep every emulator's world under `<dataDir>/emulators/` and resume it on the next start, as
   * Redis keeps its append-only file (`npm start`). Tests and load runs start fresh worlds instead.
   */
  persistWorld?: boolean;
  /** Run the Upstash-REST bridge in its own process (load runs: keep the launcher's load off Redis calls). */
  bridgeProcess?: boolean;
  env?: Record<string, string>;
  log: (line: string) => void;
}

export interface ServiceInfo {
  name: string;
  url: string;
  note: string;
}

export interface Stack {
  appUrl: string;
  secrets: StackSecrets;
  /** Where the app's Redis REST endpoint and token are (for tests and tools). */
  redisRest: { url: string; token: string };
  /** Emulator base URLs, when they run. */
  emulators: Partial<Record<keyof EmulatorPorts, string>>;
  edgeConfig: string;
  services: ServiceInfo[];
  manifestFile: string;
  stop(): Promise<void>;
}

/** Where the world lives under a data folder: Redis's append-only file and the emulators' state. */
const WORLD_DIRS = ["redis", "emulators"] as const;

/** Wipes Redis and the emulators together (never one without the other); returns what it removed. */
export function wipeWorld(dataDir: string): string[] {
  return WORLD_DIRS.filter((dir) => existsSync(path.join(dataDir, dir))).map((dir) => {
    rmSync(path.join(dataDir, dir), { recursive: true, force: true });
    return `${dir}/`;
  });
}

export async function launchStack(opts: StackOptions): Promise<Stack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    return await start(opts, stops, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function start(opts: StackOptions, stops: (() => Promise<void>)[], stopAll: () => Promise<void>): Promise<Stack> {
  const env = { ...process.env, ...opts.env };
  mkdirSync(opts.dataDir, { recursive: true });
  const secrets = loadOrCreateSecrets(opts.dataDir);
  const policyFile = opts.policyFile ?? path.join(opts.root, "scripts", "stack", "edge-config.json");
  const services: ServiceInfo[] = [];

  const cloudRedisUrl = env.UPSTASH_REDIS_REST_URL ?? env.KV_REST_API_URL;
  const cloudRedisToken = env.UPSTASH_REDIS_REST_TOKEN ?? env.KV_REST_API_TOKEN;
  let redisRest: { url: string; token: string };
  if (cloudRedisUrl && cloudRedisToken) {
    redisRest = { url: cloudRedisUrl, token: cloudRedisToken };
    services.push({ name: "redis (Upstash)", url: cloudRedisUrl, note: "cloud, no local bridge" });
  } else {
    let redisUrl = env.REDIS_URL;
    if (!redisUrl) {
      await assertPortFree(opts.ports.redis, "redis-server");
      const redis = await startRedisServer({ port: opts.ports.redis, dir: path.join(opts.dataDir, "redis") });
      stops.push(() => redis.stop());
      redisUrl = redis.url;
      services.push({ name: "redis-server", url: redis.url, note: `append-only file in ${path.join(opts.dataDir, "redis")}` });
    } else {
      services.push({ name: "redis (REDIS_URL)", url: redisUrl.replace(/\/\/[^@]*@/, "//***@"), note: "given by REDIS_URL" });
    }
    await assertPortFree(opts.ports.bridge, "Upstash-REST bridge");
    const bridgeOptions = { redisUrl, token: secrets.upstashToken, port: opts.ports.bridge };
    const bridge = opts.bridgeProcess ? await startUpstashBridgeProcess(bridgeOptions) : await startUpstashBridge(bridgeOptions);
    stops.push(() => bridge.stop());
    redisRest = { url: bridge.url, token: secrets.upstashToken };
    services.push({ name: "upstash-rest bridge", url: bridge.url, note: "Upstash REST protocol in front of redis-server" });
  }

  let edgeConfig = env.EDGE_CONFIG;
  if (edgeConfig) {
    services.push({ name: "edge config", url: "EDGE_CONFIG", note: "cloud, from EDGE_CONFIG" });
  } else {
    await assertPortFree(opts.ports.edgeConfig, "Edge Config server");
    const file = policyFile;
    const server = await startEdgeConfigServer({ port: opts.ports.edgeConfig, token: secrets.edgeConfigToken, file });
    stops.push(() => server.stop());
    edgeConfig = server.connectionString;
    services.push({ name: "edge config", url: server.url, note: `policy from ${path.relative(opts.root, file)} (edit it live)` });
  }

  await assertPortFree(opts.ports.app, "the Next.js app (PORT)");
  const appUrl = `http://127.0.0.1:${opts.ports.app}`;
  let emulatorEnv: Record<string, string> = {};
  let emulatorUrls: Partial<Record<keyof EmulatorPorts, string>> = {};
  if (opts.emulators !== false) {
    const localPolicy = policySchema.parse(JSON.parse(readFileSync(policyFile, "utf8")));
    for (const name of ["shopify", "wms", "marketplace", "pos", "erp"] as const) await assertPortFree(opts.ports[name], `${name} emulator`);
    const emulators = await startEmulators({
      appUrl,
      secrets,
      ports: opts.ports,
      policy: localPolicy,
      ...(opts.delivery ? { delivery: opts.delivery } : {}),
      ...(opts.persistWorld ? { stateDir: path.join(opts.dataDir, "emulators") } : {}),
      ...opts.world,
    });
    stops.push(() => emulators.stop());
    emulatorEnv = emulators.appEnv;
    emulatorUrls = emulators.urls;
    for (const [name, url] of Object.entries(emulators.urls)) services.push({ name: `${name} emulator`, url, note: `control API under ${url}/_emulator/` });
  }
  const storefrontEnv = Object.fromEntries(
    Object.entries(emulatorEnv).filter(([key]) => key === "SHOPIFY_STORE_DOMAIN" || key.startsWith("SHOPIFY_STOREFRONT_")),
  );
  await ensureBuild(opts.root, opts.log, storefrontEnv);
  const logFile = path.join(opts.dataDir, "logs", "app.log");
  const app = await startNextApp({
    root: opts.root,
    port: opts.ports.app,
    logFile,
    env: {
      UPSTASH_REDIS_REST_URL: redisRest.url,
      UPSTASH_REDIS_REST_TOKEN: redisRest.token,
      EDGE_CONFIG: edgeConfig,
      ...appSecretEnv(secrets),
      ...(env.OPS_PASSWORD ? { OPS_PASSWORD: env.OPS_PASSWORD } : {}),
      ...emulatorEnv,
      // Operator settings pass through to the app when set (intake claim window, alert webhook, email transport, ops password).
      ...Object.fromEntries(PASS_THROUGH_ENV.flatMap((name) => (env[name] ? [[name, env[name]]] : []))),
    },
  });
  stops.push(() => app.stop());
  services.unshift({ name: "storefront + API", url: app.url, note: `next start, logs in ${path.relative(opts.root, logFile)}` });
  services.splice(1, 0, {
    name: "ops dashboard",
    url: `${app.url}/ops`,
    note: `password: ${env.OPS_PASSWORD ? "OPS_PASSWORD" : `opsPassword in ${path.relative(opts.root, path.join(opts.dataDir, "secrets.json"))}`}`,
  });

  if (opts.seed) {
    const seeded = await seedDemoStock(app.url, secrets.wmsWebhookSecret, opts.world?.stock);
    opts.log(`seeded ${seeded} warehouse receipts (idempotent: re-seeding changes nothing)`);
  }

  const cron = startCronRunner({
    appUrl: app.url,
    secret: secrets.cronSecret,
    paths: cronPaths(opts.root),
    intervalMs: opts.cronIntervalMs,
    everyMs: { [RECONCILE_PATH]: opts.reconcileIntervalMs ?? 30_000 },
    onError: (m) => opts.log(`cron: ${m}`),
  });
  stops.push(() => cron.stop());
  services.push({ name: "cron runner", url: cron.paths.map((p) => `${app.url}${p}`).join(", "), note: `every ${cron.intervalMs / 1000} s with CRON_SECRET` });

  if (opts.demoTraffic && emulatorUrls.shopify && emulatorUrls.marketplace && emulatorUrls.pos && emulatorUrls.wms) {
    const traffic = startDemoTraffic({ shopify: emulatorUrls.shopify, marketplace: emulatorUrls.marketplace, pos: emulatorUrls.pos, wms: emulatorUrls.wms });
    stops.push(() => traffic.stop());
    services.push({ name: "demo traffic", url: "-", note: "simulated shoppers on every channel (DEMO_TRAFFIC=0 turns it off)" });
  }

  const manifestFile = path.join(opts.dataDir, "stack.json");
  writeFileSync(
    manifestFile,
    JSON.stringify(
      { startedAt: new Date().toISOString(), appUrl: app.url, secretsFile: path.join(opts.dataDir, "secrets.json"), emulators: emulatorUrls, services },
      null,
      2,
    ),
  );
  return { appUrl: app.url, secrets, redisRest, edgeConfig, emulators: emulatorUrls, services, manifestFile, stop: stopAll };
}
