import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";

/** What the stack tests know of the shared test stack (written by global-setup.ts when it is up). */
export const testStackSchema = z.object({
  appUrl: z.string(),
  redisRestUrl: z.string(),
  redisRestToken: z.string(),
  edgeConfig: z.string(),
  emulators: z.object({ shopify: z.string(), wms: z.string(), marketplace: z.string(), pos: z.string(), erp: z.string() }).partial(),
  secrets: z.object({
    shopifyAdminToken: z.string(),
    shopifyStorefrontToken: z.string(),
    marketplaceApiKey: z.string(),
    erpApiKey: z.string(),
    cronSecret: z.string(),
    wmsWebhookSecret: z.string(),
    shopifyWebhookSecret: z.string(),
    marketplaceWebhookSecret: z.string(),
    posWebhookSecret: z.string(),
    opsPassword: z.string(),
  }),
  dataDir: z.string(),
  policyFile: z.string(),
  /** GET: every alert the app POSTed (PagerDuty Events v2 shape). */
  alertsUrl: z.string(),
});
export type TestStack = z.infer<typeof testStackSchema>;

export const stackInfoFiles = (dir: string) => ({ ready: path.join(dir, "test-stack.json"), failed: path.join(dir, "test-stack-failed.txt") });

/** Waits for the background launch: its info once up, or its error (the stack tests then fail, naming it). */
export async function waitForStack(dir: string, timeoutMs: number): Promise<TestStack> {
  const files = stackInfoFiles(dir);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(files.ready)) return testStackSchema.parse(JSON.parse(readFileSync(files.ready, "utf8")));
    if (existsSync(files.failed)) throw new Error(`the test stack did not start:\n${readFileSync(files.failed, "utf8")}`);
    if (Date.now() > deadline) throw new Error(`the test stack was not up after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** The stack, for code running after stack-ready.ts (every stack and browser test file). */
export function readStack(dir: string): TestStack {
  return testStackSchema.parse(JSON.parse(readFileSync(stackInfoFiles(dir).ready, "utf8")));
}
