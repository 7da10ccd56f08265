import { defineConfig } from "vitest/config";
import path from "node:path";
import { dropCloudEnv } from "./harness/cloud-env.ts";

// Cloud credentials in the developer's shell must never reach a test stack (harness/cloud-env.ts).
dropCloudEnv(process.env);

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      // Groups run one after another (unit → integration → stack); `npm test` runs the load group
      // in a Vitest run of its own afterwards (scripts/test.ts). The shared stack launches in the
      // background meanwhile (tests/support/global-setup.ts).
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.{ts,tsx}"], sequence: { groupOrder: 0 } } },
      // Real services each test file starts for itself (redis-server, bridge, Edge Config server).
      {
        extends: true,
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 1 } },
      },
      // Against the whole launched stack over HTTP, and in real Chromium. One file at a time
      // whatever the core count: some files need the shared stack to themselves (a drift pass over
      // every SKU, a crash test reading the intake stream), and the browser files are CPU-bound.
      {
        extends: true,
        test: {
          name: "stack",
          include: ["tests/stack/**/*.test.ts", "tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          setupFiles: ["tests/support/stack-ready.ts"],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      // `npm start`'s launcher as a user runs it (start, stop, restart, kill -9), each on ports and a
      // data folder of its own; its builds wait on the shared stack's (scripts/stack/next-app.ts lock).
      {
        extends: true,
        test: {
          name: "launcher",
          include: ["tests/launcher/**/*.test.ts"],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
      // The flash-sale harness's smoke run: two stacks of its own, last, on a quiet machine.
      { extends: true, test: { name: "load", include: ["tests/load/**/*.test.ts"], testTimeout: 120_000, sequence: { groupOrder: 3 } } },
    ],
  },
});
