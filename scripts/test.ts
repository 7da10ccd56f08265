import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CLOUD_ENV } from "../harness/cloud-env";
import { stackInfoFiles } from "../harness/test-stack-info";

/**
 * `npm test`: the type-check and every Vitest project — unit, integration against real
 * redis-server, the whole stack over HTTP and in real Chromium, and the flash-sale smoke run.
 * Ends with one plain "N passed, N failed" line that CI reads.
 *
 * Most of the suite waits on I/O, so it runs as tsc beside three lanes, each one file at a time:
 * unit + integration, then the load group (services of their own; last, so its latency figures are
 * taken on a quieter machine); the stack group, whose
 * shared stack launches (with its `next build`) in the background (tests/support/global-setup.ts)
 * while the other lanes run; and the launcher group (`npm start` started, stopped, restarted and
 * killed; it waits for that build). Beside them, at a lower priority, the static checks run one
 * after another: `npm run format:check`, `npm run lint`, `npm run check:layers` (each failing one
 * counts as one failure, with a one-line summary). Per-phase times are printed at the end.
 * Extra arguments (`npm test -- --project unit`) go to one Vitest run as given, without the checks.
 */
const root = path.resolve(import.meta.dirname, "..");
const results = path.join(root, "test-results");
mkdirSync(results, { recursive: true });
const started = Date.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a command; with a label, its output is prefixed line by line (lanes run side by side). */
function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  label?: string,
  onSpawn?: (pid: number) => void,
): Promise<{ code: number; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: label ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    if (label) {
      for (const [from, to] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ] as const) {
        let rest = "";
        from?.on("data", (chunk: Buffer) => {
          const lines = (rest + chunk.toString()).split("\n");
          rest = lines.pop() ?? "";
          for (const line of lines) to.write(`[${label}] ${line}\n`);
        });
        from?.on("end", () => rest && to.write(`[${label}] ${rest}\n`));
      }
    }
    child.on("error", () => resolve({ code: 1, ms: Date.now() - t0 }));
    child.on("close", (code) => resolve({ code: code ?? 1, ms: Date.now() - t0 }));
  });
}

const summarySchema = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
  testResults: z.array(z.object({ name: z.string(), startTime: z.number(), endTime: z.number() })),
});
type Summary = z.infer<typeof summarySchema>;

/** `niceness`: a lane off the critical path runs at a lower CPU priority, so it fills idle time rather than slowing the others. */
async function vitest(
  label: string,
  args: string[],
  prefix = true,
  niceness = 0,
  onSpawn?: (pid: number) => void,
): Promise<{ code: number; ms: number; summary: Summary | null }> {
  const jsonFile = path.join(results, `vitest-${label}.json`);
  rmSync(jsonFile, { force: true });
  const vitestBin = path.join(root, "node_modules", "vitest", "vitest.mjs");
  // tsc checks the whole repository beside this run, so the stack's `next build` skips its own check.
  // Canary cloud credentials stand for a developer's exported ones: vitest.config.ts must drop
  // them (tests/unit/cloud-isolation.test.ts checks, and every stack would fail to reach them).
  const canaries = Object.fromEntries(CLOUD_ENV.map((name) => [name, name.endsWith("_URL") || name === "EDGE_CONFIG" ? "https://canary.invalid" : "canary"]));
  const command = [process.execPath, vitestBin, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${jsonFile}`, ...args];
  const [cmd, ...cmdArgs] = niceness > 0 ? ["nice", "-n", String(niceness), ...command] : command;
  const result = await run(cmd!, cmdArgs, { STACK_BUILD_SKIP_TYPECHECK: "1", ...canaries }, prefix ? label : undefined, onSpawn);
  const parsed = existsSync(jsonFile) ? summarySchema.safeParse(JSON.parse(readFileSync(jsonFile, "utf8"))) : null;
  return { ...result, summary: parsed?.success ? parsed.data : null };
}

console.log(
  "▶ type-check and the static checks (format, lint, layers) beside three lanes: unit + integration, then load | the shared stack (launch and build in the background) + browser | the launcher",
);
const tscBin = path.join(root, "node_modules", "typescript", "bin", "tsc");
const tsc = run(process.execPath, [tscBin, "--noEmit", "-p", root]);
const extra = process.argv.slice(2);
const checksRun = extra.length > 0 ? Promise.resolve<CheckResult[]>([]) : checks();
// Each lane runs its files one at a time; the lanes share no state (the integration, load and launcher
// files start services of their own), and most of their time is spent waiting on I/O.
const lanes = async () => {
  let stackPid: number | undefined;
  const stackLane = vitest("stack", ["--project", "stack"], true, 0, (pid) => (stackPid = pid));
  let stackDone = false;
  void stackLane.finally(() => (stackDone = true));
  const [first, stackRun, launcherRun] = await Promise.all([
    (async () => [await vitest("unit+integration", ["--project", "unit", "--project", "integration"]), await vitest("load", ["--project", "load"])])(),
    stackLane,
    // Off the critical path: it starts once the shared stack is up (so its launches find that
    // `next build` done, never making it themselves at a low priority), and runs at a lower priority.
    (async () => {
      await sharedStackUp(
        () => stackPid,
        () => stackDone,
      );
      return vitest("launcher", ["--project", "launcher"], true, 10);
    })(),
  ]);
  return [...first, stackRun, launcherRun];
};

interface CheckResult {
  name: string;
  code: number;
  ms: number;
  summary: string;
}

/**
 * The static checks, one after another at `nice 10` (CPU-bound, short, off the critical path).
 * Each one's output goes to test-results/<script>.txt; a failing one prints its first lines,
 * prefixed, and a one-line summary at the end of the run.
 */
async function checks(): Promise<CheckResult[]> {
  const list = [
    // prettier names each unformatted file, then "Code style issues found in N files".
    {
      name: "format:check",
      hint: "npm run format fixes them",
      summary: (out: string) => /Code style issues found in (?:the above file|\d+ files)/.exec(out)?.[0],
    },
    // eslint: "✖ N problems (N errors, N warnings)"; with warnings only, also "too many warnings".
    {
      name: "lint",
      hint: "npm run lint lists them; npx eslint --fix . fixes some",
      summary: (out: string) => /\d+ problems? \(\d+ errors?, \d+ warnings?\)/.exec(out)?.[0],
    },
    // dependency-cruiser: "x N dependency violations (N errors, N warnings). N modules, N dependencies cruised."
    {
      name: "check:layers",
      hint: "npm run check:layers lists them; the rules are in .dependency-cruiser.cjs",
      summary: (out: string) => /\d+ dependency violations? \([^)]*\)/.exec(out)?.[0],
    },
  ];
  const done: CheckResult[] = [];
  for (const check of list) {
    const t0 = Date.now();
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn("nice", ["-n", "10", "npm", "run", "--silent", check.name], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, FORCE_COLOR: "0" },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", (error) => resolve({ code: 1, output: output + String(error) }));
      child.on("close", (code) => resolve({ code: code ?? 1, output }));
    });
    const ms = Date.now() - t0;
    const file = path.join(results, `${check.name.replace(":", "-")}.txt`);
    writeFileSync(file, output);
    const label = `check ${check.name}`;
    if (code === 0) {
      console.log(`[${label}] ok (${seconds(ms)})`);
    } else {
      const lines = output.split("\n").filter((line) => line.trim() !== "");
      for (const line of lines.slice(0, 15)) console.log(`[${label}] ${line}`);
      if (lines.length > 15) console.log(`[${label}] … ${lines.length - 15} more lines in ${path.relative(root, file)}`);
    }
    const found = check.summary(output) ?? `exited ${code}`;
    done.push({ name: check.name, code, ms, summary: `${check.name} failed: ${found} (${check.hint}; counted as one failure)` });
  }
  return done;
}

/** Resolves when the stack lane's shared stack is up or failed (tests/support/global-setup.ts writes a file either way), or the lane ended. */
async function sharedStackUp(pid: () => number | undefined, ended: () => boolean): Promise<void> {
  const deadline = Date.now() + 900_000;
  while (!ended() && Date.now() < deadline) {
    const id = pid();
    if (id !== undefined) {
      const files = stackInfoFiles(path.join(root, ".data", `test-${id}`));
      if (existsSync(files.ready) || existsSync(files.failed)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
const runs = extra.length > 0 ? [await vitest("run", extra, false)] : await lanes();
const tscResult = await tsc;
const checkResults = await checksRun;

// Where the time went: each group's span from its first file's start to its last file's end.
const groups = new Map<string, { start: number; end: number; files: number }>();
for (const file of runs.flatMap((r) => r.summary?.testResults ?? [])) {
  const group = path.relative(root, file.name).split(path.sep)[1] ?? "other";
  const g = groups.get(group) ?? { start: Infinity, end: 0, files: 0 };
  groups.set(group, { start: Math.min(g.start, file.startTime), end: Math.max(g.end, file.endTime), files: g.files + 1 });
}
const checkPhases = checkResults.length > 0 ? `, checks ${checkResults.map((c) => `${c.name} ${seconds(c.ms)}`).join(" + ")} (beside vitest)` : "";
console.log(`\nphases: tsc ${seconds(tscResult.ms)} (beside vitest)${checkPhases}${runs.map((r, i) => `, vitest run ${i + 1} ${seconds(r.ms)}`).join("")}`);
for (const [name, g] of [...groups].sort((a, b) => a[1].start - b[1].start)) {
  console.log(
    `  ${name.padEnd(12)} ${String(g.files).padStart(3)} files, from +${seconds(g.start - started)} to +${seconds(g.end - started)} (${seconds(g.end - g.start)})`,
  );
}
console.log(`  total wall   ${seconds(Date.now() - started)}`);

const sum = (pick: (s: Summary) => number) => runs.reduce((n, r) => n + (r.summary ? pick(r.summary) : 0), 0);
const passed = sum((s) => s.numPassedTests);
const failedChecks = checkResults.filter((c) => c.code !== 0);
const failed =
  sum((s) => s.numFailedTests) +
  (tscResult.code === 0 ? 0 : 1) +
  failedChecks.length +
  runs.filter((r) => r.code !== 0 && (r.summary?.numFailedTests ?? 0) === 0).length;
const skipped = sum((s) => s.numPendingTests + s.numTodoTests);
if (tscResult.code !== 0) console.log("type-check failed (counted as one failure)");
for (const c of failedChecks) console.log(c.summary);
for (const [i, r] of runs.entries())
  if (r.code !== 0 && (r.summary?.numFailedTests ?? 0) === 0)
    console.log(`vitest run ${i + 1} exited ${r.code} without a failed test (counted as one failure)`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(tscResult.code === 0 && failedChecks.length === 0 && runs.every((r) => r.code === 0) && passed > 0 ? 0 : 1);
