import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startAlertReceiver } from "./alert-receiver";
import { stackInfoFiles, type TestStack } from "../../harness/test-stack-info";
import { policySchema } from "@/lib/config/policy";
import { launchStack, type Stack } from "@/scripts/stack/launch-stack";
import { freePort } from "@/harness/ports";

/**
 * One real local stack for every stack and browser test: redis-server, the Upstash-REST
 * bridge, the Edge Config server, the emulators, the production Next build, the cron runner.
 * Fresh data folder and free ports each run, so it never touches `npm start`'s data.
 *
 * Vitest runs every project's globalSetup before the first test of any project, so awaiting
 * the launch here (a `next build` of ~45 s) would hold the unit and integration groups back.
 * The launch runs in the background instead; the stack project's setup file
 * (`stack-ready.ts`) waits for the file this writes when the stack is up (or failed).
 */
declare module "vitest" {
  export interface ProvidedContext {
    stackDir: string;
  }
}

export default async function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, "..", "..");
  const dataDir = path.join(root, ".data", `test-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  // Tests may edit the policy (kill switches): give them their own copy. Its badge refreshes every
  // 500 ms, not the demo's 3 s: the browser tests wait for refreshes, and read the interval from here.
  mkdirSync(dataDir, { recursive: true });
  const files = stackInfoFiles(dataDir);
  const policyFile = path.join(dataDir, "edge-config.json");
  const demoPolicy = JSON.parse(readFileSync(path.join(root, "scripts", "stack", "edge-config.json"), "utf8")) as Record<string, unknown>;
  const storefront = policySchema.parse(demoPolicy).storefront;
  writeFileSync(policyFile, JSON.stringify({ ...demoPolicy, storefront: { ...storefront, refreshMs: 500 } }, null, 2));
  project.provide("stackDir", dataDir);

  const launched = launch(root, dataDir, policyFile).then(
    (result) => {
      writeFileSync(files.ready, JSON.stringify(result.info));
      return result;
    },
    (error: unknown) => {
      writeFileSync(files.failed, error instanceof Error ? (error.stack ?? error.message) : String(error));
      return null;
    },
  );

  return async () => {
    const result = await launched;
    await result?.stack.stop();
    await result?.alerts.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

async function launch(root: string, dataDir: string, policyFile: string): Promise<{ info: TestStack; stack: Stack; alerts: { stop(): Promise<void> } }> {
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
    // Short claim window so the crash-recovery test does not wait 30 s. (No cloud credential
    // from the shell reaches here: vitest.config.ts drops them.)
    env: { INTAKE_CLAIM_IDLE_MS: "1500", ALERT_WEBHOOK_URL: `${alerts.url}/alerts`, ALERT_WEBHOOK_FORMAT: "pagerduty", ALERT_ROUTING_KEY: "test-routing-key" },
    log: (line) => console.log(`[stack] ${line}`),
  }).catch(async (error: unknown) => {
    await alerts.stop();
    throw error;
  });
  const info: TestStack = {
    appUrl: stack.appUrl,
    redisRestUrl: stack.redisRest.url,
    redisRestToken: stack.redisRest.token,
    edgeConfig: stack.edgeConfig,
    secrets: stack.secrets,
    emulators: stack.emulators,
    policyFile,
    dataDir,
    alertsUrl: `${alerts.url}/alerts`,
  };
  return { info, stack, alerts };
}
