import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * `npm test`: type-check, then every Vitest project (unit, integration against real
 * redis-server, the whole stack over HTTP and in real Chromium). Ends with one plain
 * "N passed, N failed" line that CI reads.
 */
const root = path.resolve(import.meta.dirname, "..");
const results = path.join(root, "test-results");
mkdirSync(results, { recursive: true });
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } }).status ?? 1;

console.log("▶ type-check (tsc --noEmit)");
const tsc = run(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", root]);

console.log("▶ vitest (unit, integration, stack + browser)");
const jsonFile = path.join(results, "vitest.json");
const vitest = run(process.execPath, [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)]);

const summarySchema = z.object({ numPassedTests: z.number(), numFailedTests: z.number(), numPendingTests: z.number(), numTodoTests: z.number() });
const summary = existsSync(jsonFile) ? summarySchema.safeParse(JSON.parse(readFileSync(jsonFile, "utf8"))) : null;
const passed = summary?.success ? summary.data.numPassedTests : 0;
const failed = (summary?.success ? summary.data.numFailedTests : 0) + (tsc === 0 ? 0 : 1);
const skipped = summary?.success ? summary.data.numPendingTests + summary.data.numTodoTests : 0;
if (tsc !== 0) console.log("type-check failed (counted as one failure)");
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(tsc === 0 && vitest === 0 && passed > 0 ? 0 : 1);
