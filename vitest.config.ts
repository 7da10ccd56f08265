import { defineConfig } from "vitest/config";
import path from "node:path";

// A test must never reach a cloud database or config store because the developer's shell has
// credentials exported: every stack a test starts would seed and write there. The config runs in
// Vitest's main process before any worker or global setup, so this covers every project.
for (const name of ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "KV_REST_API_URL", "KV_REST_API_TOKEN", "REDIS_URL", "EDGE_CONFIG"]) delete process.env[name];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      // Groups run one after another (unit → integration → stack), so the CPU-heavy load tests
      // of one group do not starve the timing-sensitive tests of another on a 2-core machine.
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], sequence: { groupOrder: 0 } } },
      // Real services each test file starts for itself (redis-server, bridge, Edge Config server).
      {
        extends: true,
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 1 } },
      },
      // Against the whole launched stack over HTTP, and in real Chromium.
      {
        extends: true,
        test: {
          name: "stack",
          include: ["tests/stack/**/*.test.ts", "tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          setupFiles: ["tests/support/stack-ready.ts"],
          sequence: { groupOrder: 2 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      // The flash-sale harness's smoke run: two stacks of its own, last, on a quiet machine.
      { extends: true, test: { name: "load", include: ["tests/load/**/*.test.ts"], testTimeout: 120_000, sequence: { groupOrder: 3 } } },
    ],
  },
});
