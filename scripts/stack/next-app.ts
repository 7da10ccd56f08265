import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnGuardian } from "../../harness/guardian";

/** Everything a production build depends on; a change to any of it makes `.next` stale. */
const BUILD_INPUTS = ["app", "lib", "workers", "public", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];
const STAMP = path.join(".next", "stack-build-hash");
const nextBin = (root: string) => path.join(root, "node_modules", "next", "dist", "bin", "next");

function hashInputs(root: string): string {
  const hash = createHash("sha256");
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const entry of readdirSync(abs).sort()) visit(path.join(rel, entry));
    } else {
      hash.update(rel).update("\0").update(readFileSync(abs)).update("\0");
    }
  };
  BUILD_INPUTS.forEach(visit);
  return hash.digest("hex");
}

/**
 * `next build` unless the last build was made from exactly these sources and this shop.
 * Product shells are prerendered, so the build reads the catalog: `env` carries the
 * Storefront API settings (the emulator's locally, which is why it starts first).
 */
export async function ensureBuild(root: string, log: (line: string) => void, env: Record<string, string> = {}): Promise<"fresh" | "built"> {
  const digest = createHash("sha256")
    .update(hashInputs(root))
    .update(env.SHOPIFY_STORE_DOMAIN ?? process.env.SHOPIFY_STORE_DOMAIN ?? "")
    .digest("hex");
  const stampFile = path.join(root, STAMP);
  const fresh = () => existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest;
  if (fresh()) return "fresh";
  // Two launchers at once (two `npm start`s, or the test lanes) must never build into one `.next`:
  // the second waits for the first, then finds its build fresh.
  return withBuildLock(root, log, async () => (fresh() ? "fresh" : build(root, log, env, stampFile, digest)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** An exclusive lock file holding its owner's pid; a lock whose owner died is taken over. */
async function withBuildLock<T>(root: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(root, ".next-build.lock");
  let said = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder: number;
      let abandoned: boolean;
      try {
        holder = Number.parseInt(readFileSync(lock, "utf8"), 10);
        // Empty for a moment while its owner writes the pid: only a file that stays empty is abandoned.
        abandoned = Number.isNaN(holder) ? Date.now() - statSync(lock).mtimeMs > 5_000 : !isAlive(holder);
      } catch {
        continue; // released meanwhile: try again
      }
      if (abandoned) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!said) log(`waiting for another build (pid ${holder}) to finish…`);
      said = true;
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

async function build(root: string, log: (line: string) => void, env: Record<string, string>, stampFile: string, digest: string): Promise<"built"> {
  log("building the app (next build)…");
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin(root), "build"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code}):\n${output.slice(-6000)}`))));
  });
  writeFileSync(stampFile, digest);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return "built";
}

export interface RunningApp {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `next start` in its own process group, logs to a file; resolves once /api/health answers 200. */
export async function startNextApp(opts: { root: string; port: number; env: Record<string, string>; logFile: string }): Promise<RunningApp> {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = createWriteStream(opts.logFile, { flags: "a" });
  const child = spawn(process.execPath, [nextBin(opts.root), "start", "-p", String(opts.port), "-H", "127.0.0.1"], {
    cwd: opts.root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...opts.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  process.once("exit", () => kill("SIGKILL"));
  const guardian = child.pid === undefined ? undefined : spawnGuardian(child.pid, { group: true });
  const url = `http://127.0.0.1:${opts.port}`;
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`next start exited (${code}); see ${opts.logFile}`))));
  await Promise.race([waitForHealth(url, 60_000), exited]);
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
      guardian?.kill("SIGKILL");
      out.end();
    },
  };
}

export async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app at ${url} did not become healthy in ${timeoutMs} ms (${last})`);
}
