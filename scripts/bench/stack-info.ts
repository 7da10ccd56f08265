import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { signBody } from "@/lib/http/hmac";
import { stackSecretsSchema, type StackSecrets } from "../stack/secrets";
import { demoTrafficRuns, fail, oneLine } from "./bench-checks";

/**
 * `--running`: a benchmark against the `npm start` stack, found through its manifest
 * (`.data/stack.json`, or `$STACK_DATA_DIR/stack.json`). A manifest outlives its stack, so each
 * claim in it is checked before anything is measured: the app answers, the secrets file is there
 * and is the app's, the emulators and bridge the bench needs run, and the stack is quiet.
 */
const manifestSchema = z.object({
  appUrl: z.url(),
  secretsFile: z.string(),
  emulators: z.record(z.string(), z.string()).default({}),
  services: z.array(z.object({ name: z.string(), url: z.string() })).default([]),
});

export interface BenchNeeds {
  /** Nothing else may move stock while it measures (no demo traffic, no other run). */
  quiet: boolean;
  /** It signs webhooks with the stack's WMS secret. */
  signs: boolean;
  shopify?: boolean;
  /** It reads Redis through the Upstash-REST bridge. */
  bridge?: boolean;
}

export interface BenchStackInfo {
  appUrl: string;
  emulators: Partial<Record<string, string>>;
  bridge: { url: string; token: string } | null;
  secrets: StackSecrets;
}

export const manifestPath = (root: string, env: Record<string, string | undefined>): string =>
  path.join(env.STACK_DATA_DIR ?? path.join(root, ".data"), "stack.json");

const QUIET_WINDOW_MS = 2_000;

export async function runningStack(root: string, needs: BenchNeeds, env: Record<string, string | undefined> = process.env): Promise<BenchStackInfo> {
  const file = manifestPath(root, env);
  const dropRunning = "start one with `DEMO_TRAFFIC=0 npm start`, or drop --running for a stack of the bench's own";
  if (!existsSync(file)) fail(`no running stack: ${file} does not exist (${dropRunning})`);
  const parsed = manifestSchema.safeParse(readJson(file, "the stack manifest"));
  if (!parsed.success) fail(`${file} is not a stack manifest (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message})`);
  const manifest = parsed.data;
  const secrets = stackSecretsSchema.safeParse(readJson(manifest.secretsFile, "the stack's secrets"));
  if (!secrets.success)
    fail(`${manifest.secretsFile} does not hold the stack's secrets (${secrets.error.issues[0]?.path.join(".")}: ${secrets.error.issues[0]?.message})`);
  const appUrl = env.APP_URL ?? manifest.appUrl;

  const health = await fetch(`${appUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch((error: unknown) =>
    fail(`nothing answers at ${appUrl} (${oneLine(error)}): ${file} is left from a stack that stopped; ${dropRunning}`),
  );
  await health.arrayBuffer();
  if (health.status !== 200) fail(`${appUrl}/api/health answered HTTP ${health.status}: the stack is not healthy`);

  if (needs.signs) {
    // Signed but empty: a stack with this secret refuses the body (400), any other the signature (401).
    const body = "{}";
    const probe = await fetch(`${appUrl}/api/webhooks/wms`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-signature-sha256": signBody(body, secrets.data.wmsWebhookSecret) },
      body,
    });
    await probe.arrayBuffer();
    if (probe.status === 401) fail(`${appUrl} rejects webhooks signed with ${manifest.secretsFile}: those are not this stack's secrets`);
    if (probe.status !== 400) fail(`${appUrl}/api/webhooks/wms answered HTTP ${probe.status} to a signed empty body (expected 400)`);
  }
  const shopify = manifest.emulators.shopify;
  if (needs.shopify && !shopify) fail("the running stack has no Shopify emulator (started with EMULATORS=0?)");
  const bridgeUrl = manifest.services.find((s) => s.name === "upstash-rest bridge")?.url ?? null;
  if (needs.bridge && !bridgeUrl) fail("the running stack has no Upstash-REST bridge to read Redis through (a cloud Redis?)");

  if (needs.quiet) {
    if (demoTrafficRuns(manifest.services))
      fail("the running stack has demo traffic on, and this bench needs a quiet one: restart it with `DEMO_TRAFFIC=0 npm start`, or drop --running");
    if (shopify) {
      const since = Date.now();
      await sleep(QUIET_WINDOW_MS);
      const log = z.object({ changes: z.array(z.unknown()) }).parse(await (await fetch(`${shopify}/_emulator/inventory-log?since=${since}`)).json());
      if (log.changes.length > 0)
        fail(
          `the running stack is not quiet: Shopify's stock changed ${log.changes.length} times in ${QUIET_WINDOW_MS / 1000} s (another run, or a sync still going?)`,
        );
    }
  }
  return { appUrl, emulators: manifest.emulators, bridge: bridgeUrl ? { url: bridgeUrl, token: secrets.data.upstashToken } : null, secrets: secrets.data };
}

function readJson(file: string, what: string): unknown {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read ${what} (${oneLine(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    fail(`${file} (${what}) is not JSON`);
  }
}

/** A signed webhook, retried like a real sender retries (a reused keep-alive socket can be reset). */
export async function signedPost(url: string, body: unknown, secret: string, sign: (raw: string, secret: string) => string): Promise<Response> {
  const raw = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-signature-sha256": sign(raw, secret) }, body: raw });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Refuses a webhook answer other than `expected`, with what the app said (e.g. 400 `events.0.sku`). */
export async function requireStatus(response: Response, expected: number, what: string): Promise<void> {
  const text = await response.text();
  if (response.status !== expected) fail(`${what} answered HTTP ${response.status}, not ${expected}: ${text.slice(0, 160).replace(/\s+/g, " ")}`);
}
