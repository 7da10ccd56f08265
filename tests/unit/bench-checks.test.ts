import { describe, expect, it } from "vitest";
import {
  BenchError,
  demoTrafficRuns,
  intListSetting,
  intSetting,
  nonFiniteNumbers,
  oneLine,
  percentile,
  requireFigures,
  requireObserved,
  stackChoice,
  stockedAt,
  vitestRunProblem,
} from "@/scripts/bench/bench-checks";

/** The checks behind "benchmarks refuse to lie" (issue 20): each refusal is a one-line BenchError. */
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BenchError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a refusal");
};

describe("bench settings", () => {
  it("takes the default when unset or empty, and a whole number at or above the minimum", () => {
    expect(intSetting({}, "BENCH_SECONDS", 8)).toBe(8);
    expect(intSetting({ BENCH_SECONDS: "" }, "BENCH_SECONDS", 8)).toBe(8);
    expect(intSetting({ BENCH_SECONDS: " 3 " }, "BENCH_SECONDS", 8)).toBe(3);
    expect(intSetting({ BENCH_EVENTS: "50" }, "BENCH_EVENTS", 2000, 50)).toBe(50);
  });

  it("refuses what Number() would have turned into NaN, 0 or a fraction", () => {
    expect(refusal(() => intSetting({ BENCH_SECONDS: "abc" }, "BENCH_SECONDS", 8))).toBe('BENCH_SECONDS must be a whole number ≥ 1 (got "abc")');
    expect(refusal(() => intSetting({ BENCH_SECONDS: "0" }, "BENCH_SECONDS", 8))).toContain("BENCH_SECONDS");
    expect(refusal(() => intSetting({ BENCH_RUNS: "2.5" }, "BENCH_RUNS", 20))).toContain("BENCH_RUNS");
    expect(refusal(() => intSetting({ BENCH_EVENTS: "49" }, "BENCH_EVENTS", 2000, 50))).toContain("≥ 50");
  });

  it("reads a list of sizes, each at least the minimum and a multiple of the step", () => {
    expect(intListSetting({}, "BENCH_SKUS", [1000, 10000], 100, 10)).toEqual([1000, 10000]);
    expect(intListSetting({ BENCH_SKUS: "1000, 200" }, "BENCH_SKUS", [1000], 100, 10)).toEqual([1000, 200]);
    expect(refusal(() => intListSetting({ BENCH_SKUS: "1000,x" }, "BENCH_SKUS", [1000], 100, 10))).toContain("BENCH_SKUS");
    expect(refusal(() => intListSetting({ BENCH_SKUS: "50" }, "BENCH_SKUS", [1000], 100, 10))).toContain("≥ 100");
    expect(refusal(() => intListSetting({ BENCH_SKUS: "1005" }, "BENCH_SKUS", [1000], 100, 10))).toContain("multiple of 10");
  });
});

describe("which stack a bench measures", () => {
  it("is its own unless --running or BENCH_STACK=running asks for npm start's", () => {
    expect(stackChoice([], {})).toBe("own");
    expect(stackChoice([], { BENCH_STACK: "own" })).toBe("own");
    expect(stackChoice(["--running"], {})).toBe("running");
    expect(stackChoice([], { BENCH_STACK: "running" })).toBe("running");
  });

  it("refuses an unknown option or BENCH_STACK value instead of ignoring it", () => {
    expect(refusal(() => stackChoice(["--runing"], {}))).toContain("--runing");
    expect(refusal(() => stackChoice(["extra"], {}))).toContain("--running");
    expect(refusal(() => stackChoice([], { BENCH_STACK: "mine" }))).toBe('BENCH_STACK must be "own" or "running" (got "mine")');
  });

  it("knows a stack with demo traffic from its manifest's services", () => {
    expect(demoTrafficRuns([{ name: "storefront + API" }, { name: "demo traffic" }])).toBe(true);
    expect(demoTrafficRuns([{ name: "storefront + API" }, { name: "cron runner" }])).toBe(false);
  });

  it("finds the SKUs a channel offers at a location (none on an emulator that restarted empty)", () => {
    const levels = { A: { "wh-east": { available: 3 } }, B: { "wh-east": { available: 0 }, "wh-west": { available: 9 } }, C: { "wh-east": { available: 1 } } };
    expect(stockedAt(levels, ["A", "B", "C", "D"], "wh-east")).toEqual(["A", "C"]);
    expect(stockedAt(levels, ["A", "B", "C"], "wh-east", 2)).toEqual(["A"]);
    expect(stockedAt({}, ["A", "B"], "wh-east")).toEqual([]);
  });
});

describe("figures", () => {
  it("refuses a table with a NaN or infinite figure, naming each", () => {
    expect(() => requireFigures("intake", { p50: 3.2, p99: 9 })).not.toThrow();
    // What the issue saw: p50 of no observation.
    expect(refusal(() => requireFigures("propagation at 100/s", { p50: percentile([], 50), p95: 12 }))).toBe("propagation at 100/s: no figure for p50 (NaN)");
    expect(refusal(() => requireFigures("pdp", { "badge CLS": Math.max(...([] as number[])), CLS: Infinity }))).toBe(
      "pdp: no figure for badge CLS (-Infinity), CLS (Infinity)",
    );
  });

  it("refuses a run that observed nothing, or only part of what it caused", () => {
    expect(() => requireObserved("recovery", 20, 20)).not.toThrow();
    expect(refusal(() => requireObserved("propagation at 100/s", 0, 1000))).toBe("propagation at 100/s: observed nothing (0 of 1000)");
    expect(refusal(() => requireObserved("propagation at 500/s", 4990, 5000))).toContain("observed only 4990 of 5000");
    expect(refusal(() => requireObserved("recovery", 0, 0))).toContain("nothing to observe");
  });

  it("percentiles by nearest rank, NaN of nothing", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBeNaN();
  });

  it("finds every NaN or infinite number in a report, by path", () => {
    expect(nonFiniteNumbers({ a: 1, b: [2, { c: 3 }], d: null, e: "x" })).toEqual([]);
    expect(nonFiniteNumbers({ modes: { ours: { badge: { staleShare: NaN } } }, drift: [{ t: 1 }, { t: Infinity }] })).toEqual([
      "modes.ours.badge.staleShare",
      "drift[1].t",
    ]);
  });
});

describe("one-line reasons", () => {
  it("keeps the first line of a message and adds the cause fetch hides it in", () => {
    expect(oneLine(new BenchError("no running stack"))).toBe("no running stack");
    expect(oneLine(new Error("first\n    at frame"))).toBe("first");
    expect(oneLine(new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") }))).toBe(
      "fetch failed (connect ECONNREFUSED 127.0.0.1:1)",
    );
    expect(oneLine("plain")).toBe("plain");
  });
});

describe("soak rounds", () => {
  const report = (total: number, passed: number, failed: number) => ({
    numTotalTests: total,
    numPassedTests: passed,
    numFailedTests: failed,
    success: failed === 0,
  });
  it("pass only when tests ran and none failed", () => {
    expect(vitestRunProblem(report(12, 12, 0), 0)).toBeNull();
    expect(vitestRunProblem(report(0, 0, 0), 0)).toBe("vitest ran no tests (wrong file list?)");
    expect(vitestRunProblem(report(12, 11, 1), 1)).toBe("1 of 12 tests failed (exit 1)");
    expect(vitestRunProblem(report(12, 0, 0), 0)).toContain("none of 12 tests passed");
    expect(vitestRunProblem(null, 1)).toBe("vitest wrote no report (exit 1)");
    // An exit code Vitest's report does not explain (a crash after the last test) still fails the round.
    expect(vitestRunProblem(report(12, 12, 0), 1)).toContain("exit 1");
  });
});
