import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { launchStack } from "@/scripts/stack/launch-stack";
import { freePort } from "@/harness/ports";
import type { TestStack } from "../../harness/test-stack-info";

/**
 * A whole stack of its own (redis, bridge, Edge Config server, emulators, `next start` on the
 * build globalSetup made, cron), for a test file that edits the policy: a kill switch flipped
 * here is seen by nobody else, however many files Vitest runs at once.
 */
export interface PrivateStack extends TestStack {
  stop(): Promise<void>;
}

export async function launchPrivateStack(name: string): Promise<PrivateStack> {
  const root = path.resolve(import.meta.dirname, "..", "..");
  const dataDir = path.join(root, ".data", `test-${process.pid}-${name}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const policyFile = path.join(dataDir, "edge-config.json");
  copyFileSync(path.join(root, "scripts", "stack", "edge-config.json"), policyFile);
  const port = () => freePort();
  const stack = await launchStack({
    root,
    dataDir,
    ports: {
      app: await port(),
      redis: await port(),
      bridge: await port(),
      edgeConfig: await port(),
      shopify: await port(),
      wms: await port(),
      marketplace: await port(),
      pos: await port(),
      erp: await port(),
    },
    emulators: true,
    policyFile,
    demoTraffic: false,
    cronIntervalMs: 1_000,
    reconcileIntervalMs: 0,
    seed: true,
    log: (line) => console.log(`[${name} stack] ${line}`),
  });
  return {
    appUrl: stack.appUrl,
    redisRestUrl: stack.redisRest.url,
    redisRestToken: stack.redisRest.token,
    edgeConfig: stack.edgeConfig,
    secrets: stack.secrets,
    emulators: stack.emulators,
    policyFile,
    dataDir,
    // No alert receiver: nothing on a private stack asserts alerts.
    alertsUrl: "",
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
