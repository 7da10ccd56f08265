import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fail, intSetting, vitestJsonSchema, vitestRunProblem } from "./bench/bench-checks";
import { main } from "./bench/bench-main";

/**
 * The fault suite, round after round (crashes, Redis restarts, fault storms, redelivery,
 * abuse), to shake out anything that only fails sometimes. `SOAK_ROUNDS` (default 5).
 * A round passes only when Vitest's own report says tests ran and none failed.
 *
 *   npm run soak
 */
const root = path.resolve(import.meta.dirname, "..");
const files = [
  "tests/stack/app-faults.test.ts",
  "tests/stack/redelivery.test.ts",
  "tests/stack/abuse.test.ts",
  "tests/integration/channel-convergence.test.ts",
  "tests/integration/reconcile.test.ts",
  "tests/stack/crash-recovery.test.ts",
];

await main(async () => {
  const rounds = intSetting(process.env, "SOAK_ROUNDS", 5);
  const missing = files.filter((f) => !existsSync(path.join(root, f)));
  if (missing.length > 0) fail(`the soak's test files are missing: ${missing.join(", ")}`);
  const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
  if (!existsSync(vitest)) fail("vitest is not installed (run npm ci)");
  const reports = mkdtempSync(path.join(os.tmpdir(), "soak-"));
  const results: { round: number; ok: boolean; seconds: number }[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const started = Date.now();
      const reportFile = path.join(reports, `round-${round}.json`);
      const run = spawnSync(process.execPath, [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${reportFile}`, ...files], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
      });
      if (run.error) fail(`could not run vitest: ${run.error.message}`);
      const parsed = existsSync(reportFile) ? vitestJsonSchema.safeParse(JSON.parse(readFileSync(reportFile, "utf8"))) : null;
      const problem = vitestRunProblem(parsed?.success ? parsed.data : null, run.status);
      results.push({ round, ok: problem === null, seconds: Math.round((Date.now() - started) / 1000) });
      console.log(
        `round ${round}/${rounds}: ${problem === null ? `passed (${parsed?.data?.numPassedTests} tests)` : `FAILED: ${problem}`} in ${results.at(-1)?.seconds} s`,
      );
      if (problem !== null)
        console.log(
          ((run.stdout ?? "") + (run.stderr ?? ""))
            .split("\n")
            .filter((l) => /FAIL|×|Error/.test(l))
            .slice(0, 20)
            .join("\n"),
        );
    }
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${rounds - failed}/${rounds} rounds passed`);
  if (failed > 0) fail(`${failed} of ${rounds} soak rounds failed`);
});
