import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { freePort } from "@/harness/ports";
import { stackSecretsSchema, type StackSecrets } from "@/scripts/stack/secrets";

/** `npm start`'s launcher as a user runs it, in a child process with its own data folder and ports. */
const root = path.resolve(import.meta.dirname, "..", "..");

export interface Launch {
  child: ChildProcess;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
}

export function runStart(dataDir: string, env: Record<string, string>, args: string[] = []): Launch {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts"), ...args], {
    cwd: root,
    env: { ...process.env, STACK_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

/** Every port the launcher takes, free ones, as its env variables. */
export async function launcherPorts(): Promise<Record<string, string>> {
  const names = [
    "PORT",
    "REDIS_PORT",
    "UPSTASH_BRIDGE_PORT",
    "EDGE_CONFIG_PORT",
    "SHOPIFY_EMULATOR_PORT",
    "WMS_EMULATOR_PORT",
    "MARKETPLACE_EMULATOR_PORT",
    "POS_EMULATOR_PORT",
    "ERP_EMULATOR_PORT",
  ];
  const ports: Record<string, string> = {};
  for (const name of names) ports[name] = String(await freePort());
  return ports;
}

/** Resolves once the launcher says the stack is up; rejects if it exits first or takes too long. */
export async function untilRunning(run: Launch, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.out().includes("Stock layer is running")) {
    if (run.child.exitCode !== null) throw new Error(`start exited early (${run.child.exitCode}): ${run.err()}`);
    if (Date.now() > deadline) throw new Error(`start did not come up in ${timeoutMs} ms: ${run.err()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const manifestSchema = z.object({
  appUrl: z.string(),
  secretsFile: z.string(),
  emulators: z.record(z.string(), z.string()),
  services: z.array(z.object({ name: z.string(), url: z.string() })),
});

export interface LaunchedStack {
  appUrl: string;
  emulators: Record<string, string>;
  bridgeUrl: string;
  secrets: StackSecrets;
}

/** What a running launcher wrote to `<dataDir>/stack.json`, with its secrets. */
export function readManifest(dataDir: string): LaunchedStack {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(path.join(dataDir, "stack.json"), "utf8")));
  const bridgeUrl = manifest.services.find((s) => s.name === "upstash-rest bridge")?.url ?? "";
  return {
    appUrl: manifest.appUrl,
    emulators: manifest.emulators,
    bridgeUrl,
    secrets: stackSecretsSchema.parse(JSON.parse(readFileSync(manifest.secretsFile, "utf8"))),
  };
}
