import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertPortFree, freePort } from "@/scripts/stack/ports";

/** `npm start`'s launcher as a user runs it: up, healthy, manifest written, and down cleanly. */
const root = path.resolve(import.meta.dirname, "..", "..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "stack-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function runStart(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], { cwd: root, env: { ...process.env, STACK_DATA_DIR: dataDir, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe("the start command", () => {
  it("comes up, writes the manifest, serves, and stops every service on SIGTERM", async () => {
    const ports = {
      PORT: await freePort(),
      REDIS_PORT: await freePort(),
      UPSTASH_BRIDGE_PORT: await freePort(),
      EDGE_CONFIG_PORT: await freePort(),
      SHOPIFY_EMULATOR_PORT: await freePort(),
      WMS_EMULATOR_PORT: await freePort(),
      MARKETPLACE_EMULATOR_PORT: await freePort(),
      POS_EMULATOR_PORT: await freePort(),
      ERP_EMULATOR_PORT: await freePort(),
    };
    const run = runStart({ ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), SEED: "1", DEMO_TRAFFIC: "1" });
    const deadline = Date.now() + 90_000;
    while (!run.out().includes("Stock layer is running") && Date.now() < deadline) {
      if (run.child.exitCode !== null) throw new Error(`start exited early: ${run.err()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(run.out()).toContain("Stock layer is running");
    for (const name of ["storefront + API", "redis-server", "upstash-rest bridge", "edge config", "cron runner", "shopify emulator", "wms emulator", "marketplace emulator", "pos emulator", "erp emulator", "demo traffic"]) expect(run.out()).toContain(name);

    const manifest = JSON.parse(readFileSync(path.join(dataDir, "stack.json"), "utf8")) as { appUrl: string; services: { name: string; url: string }[] };
    expect(manifest.appUrl).toBe(`http://127.0.0.1:${ports.PORT}`);
    expect(manifest.services.map((s) => s.name)).toEqual(expect.arrayContaining(["redis-server", "upstash-rest bridge", "edge config"]));
    expect((await fetch(`${manifest.appUrl}/api/health`)).status).toBe(200);

    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain("stopped cleanly");
    // Nothing is left listening: no orphan redis-server, bridge, Edge Config server or Next.
    for (const [name, port] of Object.entries(ports)) await expect(assertPortFree(port, name)).resolves.toBeUndefined();
  });

  it("says in one line when a port is taken", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const run = runStart({ PORT: "0", REDIS_PORT: String(port), UPSTASH_BRIDGE_PORT: String(await freePort()), EDGE_CONFIG_PORT: String(await freePort()) });
      expect(await run.exited).toBe(1);
      const lines = run.err().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^error: port ${port} \\(redis-server\\) is already in use`));
    } finally {
      blocker.close();
    }
  });
});
