import { parseArgs } from "node:util";
import { z } from "zod";

/**
 * The checks every benchmark and load script makes before it prints a figure: its settings, the
 * stack it runs on, and that what it measured is a number at all. Pure (no I/O), so each check
 * has a unit test; a failed one throws a `BenchError` whose message is the one line printed.
 */

/** An expected failure (a precondition not met, nothing observed): printed as one line, no stack. */
export class BenchError extends Error {
  override name = "BenchError";
}

export function fail(reason: string): never {
  throw new BenchError(reason);
}

/** A whole number from the env (`BENCH_SECONDS=5`), or the default when unset. */
export function intSetting(env: Record<string, string | undefined>, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const parsed = z.coerce.number().int().min(min).safeParse(raw.trim());
  if (!parsed.success) fail(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  return parsed.data;
}

/** A comma-separated list of whole numbers (`BENCH_SKUS=1000,10000`), each ≥ `min` and a multiple of `step`. */
export function intListSetting(env: Record<string, string | undefined>, name: string, fallback: readonly number[], min: number, step = 1): number[] {
  const raw = env[name];
  if (raw === undefined || raw === "") return [...fallback];
  const parsed = z
    .array(z.coerce.number().int().min(min).multipleOf(step))
    .min(1)
    .safeParse(raw.split(",").map((s) => s.trim()));
  if (!parsed.success) fail(`${name} must be a comma-separated list of whole numbers ≥ ${min}${step > 1 ? `, each a multiple of ${step}` : ""} (got "${raw}")`);
  return parsed.data;
}

export type StackChoice = "own" | "running";

/**
 * Which stack a benchmark measures: by default one of its own (fresh, on spare ports); with
 * `--running` or `BENCH_STACK=running`, the `npm start` stack found through its manifest.
 */
export function stackChoice(argv: readonly string[], env: Record<string, string | undefined>): StackChoice {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { running: { type: "boolean", default: false } }, strict: true, allowPositionals: false }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)} (the only option is --running)`);
  }
  const fromEnv = env.BENCH_STACK;
  if (fromEnv !== undefined && fromEnv !== "" && fromEnv !== "own" && fromEnv !== "running") fail(`BENCH_STACK must be "own" or "running" (got "${fromEnv}")`);
  return values.running || fromEnv === "running" ? "running" : "own";
}

/** Every figure about to be printed must be a finite number (a percentile of nothing is NaN). */
export function requireFigures(what: string, figures: Record<string, number>): void {
  const bad = Object.entries(figures).filter(([, value]) => !Number.isFinite(value));
  if (bad.length > 0) fail(`${what}: no figure for ${bad.map(([name, value]) => `${name} (${value})`).join(", ")}`);
}

/** A benchmark that observed nothing, or only part of what it caused, has no figure to give. */
export function requireObserved(what: string, observed: number, expected: number): void {
  if (expected <= 0) fail(`${what}: nothing to observe (0 planned)`);
  if (observed === 0) fail(`${what}: observed nothing (0 of ${expected})`);
  if (observed < expected) fail(`${what}: observed only ${observed} of ${expected}; percentiles of the rest would leave out the slowest`);
}

/** The services list `npm start` writes into its manifest names the demo traffic when it runs. */
export function demoTrafficRuns(services: readonly { name: string }[]): boolean {
  return services.some((s) => s.name === "demo traffic");
}

type Levels = Record<string, Record<string, { available: number }> | undefined>;

/** SKUs a channel offers at a location (its `available` there above `min`). */
export function stockedAt(levels: Levels, skus: readonly string[], locationId: string, min = 0): string[] {
  return skus.filter((sku) => (levels[sku]?.[locationId]?.available ?? 0) > min);
}

/** An error as the one line a CLI prints: its message's first line, and its cause's (fetch hides the reason there). */
export function oneLine(error: unknown): string {
  const first = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]?.trim() ?? "";
  const cause = error instanceof Error && error.cause !== undefined ? first(error.cause) : "";
  const message = first(error) || (error instanceof Error ? error.name : "unknown error");
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}

/** Nearest-rank percentile of sorted values; NaN of none (which `requireFigures` then refuses). */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** What Vitest's JSON reporter says of a run (the parts a soak round is judged on). */
export const vitestJsonSchema = z.object({
  numTotalTests: z.number().int(),
  numPassedTests: z.number().int(),
  numFailedTests: z.number().int(),
  success: z.boolean(),
});

/** Why a soak round does not count as passed, or null: a run of no tests passes nothing. */
export function vitestRunProblem(report: z.infer<typeof vitestJsonSchema> | null, exitCode: number | null): string | null {
  if (!report) return `vitest wrote no report (exit ${exitCode ?? "signal"})`;
  if (report.numTotalTests === 0) return "vitest ran no tests (wrong file list?)";
  if (report.numFailedTests > 0 || !report.success || exitCode !== 0)
    return `${report.numFailedTests} of ${report.numTotalTests} tests failed (exit ${exitCode ?? "signal"})`;
  if (report.numPassedTests === 0) return `none of ${report.numTotalTests} tests passed (all skipped?)`;
  return null;
}

/** Paths of every number in a JSON-like value that is NaN or infinite (`modes.ours.badge.staleShare`). */
export function nonFiniteNumbers(value: unknown, at = ""): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [at || "(value)"];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteNumbers(v, `${at}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, at ? `${at}.${k}` : k));
  return [];
}
