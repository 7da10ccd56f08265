import path from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/** The stock route's whole module graph must bundle for a runtime without Node built-ins. */
describe("edge portability of /api/stock", () => {
  it("bundles for a browser-like platform with no node: imports", async () => {
    const root = path.resolve(import.meta.dirname, "..", "..");
    const result = await build({
      entryPoints: [path.join(root, "app", "api", "stock", "route.ts")],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      alias: { "@": root },
      logLevel: "silent",
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes("@upstash/redis"))).toBe(true);
    expect(inputs.filter((i) => i.startsWith("node:") || /\/node_modules\/(ioredis|undici)\//.test(i))).toEqual([]);
  });
});
