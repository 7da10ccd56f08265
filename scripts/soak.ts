import { spawnSync } from "node:child_process";
import path from "node:path";

/**
 * The fault suite, round after round (crashes, Redis restarts, fault storms, redelivery,
 * abuse), to shake out anything that only fails sometimes. `SOAK_ROUNDS` (default 5).
 *
 *   npm run soak
 */
const root = path.resolve(import.meta.dirname, "..");
const rounds = Number(process.env.SOAK_ROUNDS ?? 5);
const files = ["tests/stack/app-faults.test.ts", "tests/stack/redelivery.test.ts", "tests/stack/abuse.test.ts", "tests/integration/channel-convergence.test.ts", "tests/integration/reconcile.test.ts", "tests/stack/crash-recovery.test.ts"];
const results: { round: number; ok: boolean; seconds: number }[] = [];
for (let round = 1; round <= rounds; round++) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", ...files], { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const ok = run.status === 0;
  results.push({ round, ok, seconds: Math.round((Date.now() - started) / 1000) });
  console.log(`round ${round}/${rounds}: ${ok ? "passed" : "FAILED"} in ${results.at(-1)?.seconds} s`);
  if (run.error) console.log(`could not run vitest: ${run.error.message}`);
  if (!ok) console.log(((run.stdout ?? "") + (run.stderr ?? "")).split("\n").filter((l) => /FAIL|×|Error/.test(l)).slice(0, 20).join("\n"));
}
const failed = results.filter((r) => !r.ok).length;
console.log(`\n${rounds - failed}/${rounds} rounds passed`);
process.exit(failed ? 1 : 0);
