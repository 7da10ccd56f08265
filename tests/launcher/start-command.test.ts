import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertPortFree, freePort } from "@/harness/ports";
import { launcherPorts, runStart as launch, untilRunning } from "../support/launcher";

/** `npm start`'s launcher as a user runs it: up, healthy, manifest written, and down cleanly. */
const dataDir = mkdtempSync(path.join(os.tmpdir(), "stack-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const runStart = (env: Record<string, string>) => launch(dataDir, env);

describe("the start command", () => {
  it("comes up, writes the manifest, serves, and stops every service on SIGTERM", async () => {
    const ports = await launcherPorts();
    const run = runStart({ ...ports, SEED: "1", DEMO_TRAFFIC: "1" });
    await untilRunning(run);
    expect(run.out()).toContain("Stock layer is running");
    for (const name of [
      "storefront + API",
      "redis-server",
      "upstash-rest bridge",
      "edge config",
      "cron runner",
      "shopify emulator",
      "wms emulator",
      "marketplace emulator",
      "pos emulator",
      "erp emulator",
      "demo traffic",
    ])
      expect(run.out()).toContain(name);

    const manifest = JSON.parse(readFileSync(path.join(dataDir, "stack.json"), "utf8")) as { appUrl: string; services: { name: string; url: string }[] };
    expect(manifest.appUrl).toBe(`http://127.0.0.1:${ports.PORT}`);
    expect(manifest.services.map((s) => s.name)).toEqual(expect.arrayContaining(["redis-server", "upstash-rest bridge", "edge config"]));
    expect((await fetch(`${manifest.appUrl}/api/health`)).status).toBe(200);

    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain("stopped cleanly");
    // Nothing is left listening: no orphan redis-server, bridge, Edge Config server or Next.
    for (const [name, port] of Object.entries(ports)) await expect(assertPortFree(Number(port), name)).resolves.toBeUndefined();
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
