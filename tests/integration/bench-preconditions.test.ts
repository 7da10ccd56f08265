import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freePort, listenHttp } from "@/harness/ports";
import { loadOrCreateSecrets } from "@/scripts/stack/secrets";

/**
 * Benchmarks refuse to lie (issue 20): each `npm run bench:*` script, run as a user would, exits
 * non-zero with one line on stderr when a precondition fails. No stack is launched here: the
 * "running stack" is a manifest in a temporary folder, pointing at nothing or at a stand-in app.
 */
const root = path.resolve(import.meta.dirname, "..", "..");

/** Every bench script package.json offers, as the file `tsx` runs. */
const benches = Object.entries(
  z.object({ scripts: z.record(z.string(), z.string()) }).parse(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"))).scripts,
)
  .filter(([name]) => name.startsWith("bench:"))
  .map(([name, command]) => ({ name, file: z.string().parse(/^tsx (\S+)$/.exec(command)?.[1]) }));

/** `dataDir`: where the "running stack" manifest is looked for (STACK_DATA_DIR). */
function runBench(
  file: string,
  args: string[],
  dataDir: string,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, STACK_DATA_DIR: dataDir, ...extraEnv };
  delete env.APP_URL;
  delete env.BENCH_STACK;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, file), ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Exit 1 and exactly one line on stderr: `error: <reason>`. */
function expectRefusal(result: { code: number | null; stderr: string }, reason: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trim().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(reason);
}

/** A stand-in for the app and its Shopify emulator: healthy, with a WMS webhook and an empty shop. */
let standIn: { server: Server; url: string; wmsStatus: number };
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-pre-"));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  const state = { wmsStatus: 400 };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/api/health") return json(200, { ok: true });
      if (url.pathname === "/api/webhooks/wms") return json(state.wmsStatus, { error: "stand-in" });
      // A Shopify emulator just restarted: no levels, nothing moving.
      if (url.pathname === "/_emulator/inventory-log") return json(200, { changes: [] });
      if (url.pathname === "/_emulator/inventory") return json(200, {});
      return json(404, { error: "not found" });
    });
  });
  const url = await listenHttp(server, "127.0.0.1", 0, "stand-in app");
  standIn = Object.assign(state, { server, url });
});

afterAll(async () => {
  await new Promise<void>((resolve) => standIn.server.close(() => resolve()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A manifest as `npm start` writes it, in a folder of its own; secrets made there unless told not to. */
function manifest(opts: { appUrl: string; services?: { name: string; url: string }[]; secrets?: boolean }): string {
  const dir = tempDir();
  if (opts.secrets !== false) loadOrCreateSecrets(dir);
  const services = opts.services ?? [
    { name: "storefront + API", url: opts.appUrl },
    { name: "upstash-rest bridge", url: opts.appUrl },
  ];
  writeFileSync(
    path.join(dir, "stack.json"),
    JSON.stringify({ appUrl: opts.appUrl, secretsFile: path.join(dir, "secrets.json"), emulators: { shopify: opts.appUrl }, services }),
  );
  return dir;
}

describe("bench scripts refuse a precondition they cannot meet", () => {
  it("finds every bench:* script in package.json", () => {
    expect(benches.map((b) => b.name).sort()).toEqual(["bench:intake", "bench:pdp", "bench:propagation", "bench:reconcile", "bench:recovery", "bench:stock"]);
  });

  it("every bench:* with --running and no running stack (reconcile: which never uses one)", async () => {
    const empty = tempDir();
    const results = await Promise.all(benches.map(async (b) => ({ ...b, result: await runBench(b.file, ["--running"], empty) })));
    for (const { name, result } of results) {
      expectRefusal(result, name === "bench:reconcile" ? /runs a world of its own/ : /no running stack: .*stack\.json does not exist/);
      expect(result.stdout, name).not.toMatch(/\| (p50|observed|conns|metric)/);
    }
  });

  it("a manifest left by a stack that stopped", async () => {
    const dir = manifest({ appUrl: `http://127.0.0.1:${await freePort()}` });
    expectRefusal(
      await runBench("scripts/bench/stock.ts", ["--running"], dir),
      /nothing answers at http:\/\/127\.0\.0\.1:\d+ .*left from a stack that stopped/,
    );
  });

  it("a secrets file that is missing, or not the stack's", async () => {
    expectRefusal(
      await runBench("scripts/bench/intake.ts", ["--running"], manifest({ appUrl: standIn.url, secrets: false })),
      /cannot read the stack's secrets \(ENOENT/,
    );
    standIn.wmsStatus = 401;
    try {
      expectRefusal(
        await runBench("scripts/bench/intake.ts", ["--running"], manifest({ appUrl: standIn.url })),
        /rejects webhooks signed with .*secrets\.json: those are not this stack's secrets/,
      );
    } finally {
      standIn.wmsStatus = 400;
    }
  });

  it("a stack with demo traffic, for a bench that needs a quiet one", async () => {
    const dir = manifest({
      appUrl: standIn.url,
      services: [
        { name: "upstash-rest bridge", url: standIn.url },
        { name: "demo traffic", url: "-" },
      ],
    });
    expectRefusal(await runBench("scripts/bench/recovery.ts", ["--running"], dir), /demo traffic on, and this bench needs a quiet one/);
  });

  it("the issue's run: a restarted stack whose Shopify emulator stocks nothing", async () => {
    const result = await runBench("scripts/bench/propagation.ts", ["--running"], manifest({ appUrl: standIn.url }));
    expectRefusal(result, /no demo SKU is stocked at wh-east on the Shopify emulator/);
    expect(result.stdout).not.toContain("NaN");
  });

  it("a setting that is not a number, before any stack starts", async () => {
    const result = await runBench("scripts/bench/pdp.ts", [], tempDir(), { BENCH_LOADS: "fifty" });
    expectRefusal(result, /BENCH_LOADS must be a whole number ≥ 1 \(got "fifty"\)/);
  });
});
