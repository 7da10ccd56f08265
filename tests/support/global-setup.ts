import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startAlertReceiver } from "./alert-receiver";
import { launchStack } from "@/scripts/stack/launch-stack";
import { freePort } from "@/scripts/stack/ports";

/**
 * One real local stack for every integration and browser test: redis-server, the
 * Upstash-REST bridge, the Edge Config server, the production Next build, the cron runner.
 * Fresh data folder and free ports each run, so it never touches `npm start`'s data.
 */
export interface TestStack {
  appUrl: string;
  redisRestUrl: string;
  redisRestToken: string;
  edgeConfig: string;
  emulators: Partial<Record<"shopify" | "wms" | "marketplace" | "pos" | "erp", string>>;
  secrets: {
    shopifyAdminToken: string;
    shopifyStorefrontToken: string;
    marketplaceApiKey: string;
    erpApiKey: string;
    cronSecret: string;
    wmsWebhookSecret: string;
    shopifyWebhookSecret: string;
    marketplaceWebhookSecret: string;
    posWebhookSecret: string;
    opsPassword: string;
  };
  dataDir: string;
  policyFile: string;
  /** GET: every alert the app POSTed (PagerDuty Events v2 shape). */
  alertsUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

export default async function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, "..", "..");
  const dataDir = path.join(root, ".data", `test-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  // Tests may edit the policy (kill switches): give them their own copy.
  mkdirSync(dataDir, { recursive: true });
  const policyFile = path.join(dataDir, "edge-config.json");
  copyFileSync(path.join(root, "scripts", "stack", "edge-config.json"), policyFile);
  const alerts = await startAlertReceiver();
  const stack = await launchStack({
    root,
    dataDir,
    ports: {
      app: await freePort(),
      redis: await freePort(),
      bridge: await freePort(),
      edgeConfig: await freePort(),
      shopify: await freePort(),
      wms: await freePort(),
      marketplace: await freePort(),
      pos: await freePort(),
      erp: await freePort(),
    },
    emulators: true,
    policyFile,
    demoTraffic: false,
    cronIntervalMs: 1_000,
    // The drift tests run passes themselves.
    reconcileIntervalMs: 0,
    seed: true,
    // Short claim window so the crash-recovery test does not wait 30 s.
    // Blank cloud credentials from the developer's shell: the suite must never seed or edit a real Redis or Edge Config.
    env: { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "", KV_REST_API_URL: "", KV_REST_API_TOKEN: "", REDIS_URL: "", EDGE_CONFIG: "", INTAKE_CLAIM_IDLE_MS: "1500", ALERT_WEBHOOK_URL: `${alerts.url}/alerts`, ALERT_WEBHOOK_FORMAT: "pagerduty", ALERT_ROUTING_KEY: "test-routing-key" },
    log: (line) => console.log(`[stack] ${line}`),
  });
  project.provide("stack", {
    appUrl: stack.appUrl,
    redisRestUrl: stack.redisRest.url,
    redisRestToken: stack.redisRest.token,
    edgeConfig: stack.edgeConfig,
    secrets: stack.secrets,
    emulators: stack.emulators,
    policyFile,
    dataDir,
    alertsUrl: `${alerts.url}/alerts`,
  });
  return async () => {
    await stack.stop();
    await alerts.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
