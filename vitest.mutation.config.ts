import { defineConfig } from "vitest/config";
import path from "node:path";

/**
 * The tests Stryker runs against each mutant (npm run test:mutation): the pure unit tests plus the
 * integration files that drive workers/ and lib/channels in-process against their own
 * redis-server + bridge + emulators (or a scripted channel / Shopify Admin API), and the
 * /api/stock rate limit on its own redis-server. No tests/stack or e2e: they need the whole launched stack and
 * a Next build. channel-convergence is left out too: one of its tests alone takes ~40 s, which
 * Stryker would repeat for every flush/plan mutant it covers.
 */
/**
 * MUTATION_TESTS (comma-separated globs) narrows the test files for a folder-by-folder run. Use it
 * rather than Stryker's --testFiles: with --testFiles, Stryker 9.6 activates static mutants (module-level
 * code) after the module has loaded, so they are reported as survivors (stryker-js#6144).
 */
const narrowed = process.env.MUTATION_TESTS?.split(",").filter(Boolean);

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: narrowed ?? [
      "tests/unit/**/*.test.{ts,tsx}",
      "tests/integration/reconcile.test.ts",
      "tests/integration/own-sale-beliefs.test.ts",
      "tests/integration/stock-rate-limit.test.ts",
      // workers/ in-process, each file a few seconds (scripted channels and Shopify, own Redis).
      "tests/integration/webhook-intake.test.ts",
      "tests/integration/drain-intake.test.ts",
      "tests/integration/flush-channel.test.ts",
      "tests/integration/recovery-settle.test.ts",
      "tests/integration/recovery-escalation.test.ts",
      "tests/integration/reconcile-pass.test.ts",
    ],
    setupFiles: ["tests/support/mutation-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
