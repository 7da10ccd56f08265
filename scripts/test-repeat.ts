import { spawn } from "node:child_process";
import path from "node:path";

/**
 * `npm run test:repeat -- N [vitest args…]`: run the whole suite (scripts/test.ts, without
 * bootstrap) N times on this checkout, to show it does not flake. Prints each run's
 * "N passed, N failed" line and a summary; exits non-zero if any run failed. Extra
 * arguments go to Vitest unchanged (e.g. `-- 3 --project unit`).
 */
const root = path.resolve(import.meta.dirname, "..");
const [countArg, ...vitestArgs] = process.argv.slice(2);
const runs = Number(countArg);
if (!Number.isInteger(runs) || runs < 1) {
  console.error("usage: npm run test:repeat -- <runs ≥ 1> [vitest args…]");
  process.exit(2);
}

const RESULT_LINE = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m;

/** One run of scripts/test.ts, echoed live; resolves with its exit code and its result line. */
function runOnce(): Promise<{ code: number; line: string | null; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "test.ts"), ...vitestArgs], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let tail = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      // Only the end matters: the result line is printed last.
      tail = (tail + chunk.toString()).slice(-4_000);
    });
    child.on("close", (code) => {
      const lines = tail.split("\n").filter((l) => RESULT_LINE.test(l.trim()));
      resolve({ code: code ?? 1, line: lines.at(-1)?.trim() ?? null, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const results: { code: number; line: string | null; seconds: number }[] = [];
for (let i = 1; i <= runs; i++) {
  console.log(`\n▶ run ${i} of ${runs}`);
  const result = await runOnce();
  results.push(result);
  console.log(`▶ run ${i}: ${result.line ?? "no result line"} (exit ${result.code}, ${result.seconds.toFixed(0)} s)`);
}

console.log("\n▶ summary");
results.forEach((r, i) => console.log(`run ${i + 1}: ${r.line ?? "no result line"} (exit ${r.code}, ${r.seconds.toFixed(0)} s)`));
const failedRuns = results.filter((r) => r.code !== 0).length;
console.log(`${runs - failedRuns} of ${runs} runs passed, ${failedRuns} failed`);
process.exit(failedRuns === 0 ? 0 : 1);
