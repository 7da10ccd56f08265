import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      // Real services each test file starts for itself (redis-server, bridge, Edge Config server).
      { extends: true, test: { name: "integration", include: ["tests/integration/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } },
      // Against the whole launched stack over HTTP, and in real Chromium.
      {
        extends: true,
        test: {
          name: "stack",
          include: ["tests/stack/**/*.test.ts", "tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      { extends: true, test: { name: "edge", include: ["tests/edge/**/*.test.ts"], environment: "edge-runtime" } },
    ],
  },
});
