import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideDrift, passProgress, type DriftPolicy } from "@/lib/domain/drift";

const policy: DriftPolicy = { threshold: 3, autoCorrectLimit: 25, graceMs: 120_000 };
const NOW = 1_000_000;

describe("decideDrift", () => {
  it("in sync: nothing to do, nothing to remember", () => {
    expect(decideDrift({ actual: 7, wanted: 7, pendingWrite: false }, null, policy, NOW)).toEqual({ action: { kind: "in_sync" }, alert: false, history: null });
  });

  it("over-reporting is corrected at once (it could sell stock we do not have)", () => {
    const d = decideDrift({ actual: 12, wanted: 7, pendingWrite: false }, null, policy, NOW);
    expect(d.action).toEqual({ kind: "correct", drift: 5, from: 12, to: 7 });
    expect(d.alert).toBe(true);
  });

  it("under-reporting waits out the grace period (a sale's webhook may be on its way), then corrects", () => {
    const first = decideDrift({ actual: 5, wanted: 7, pendingWrite: false }, null, policy, NOW);
    expect(first.action).toEqual({ kind: "wait", drift: -2, sinceMs: NOW, correctAfterMs: NOW + 120_000 });
    expect(first.alert).toBe(false);
    const later = decideDrift({ actual: 5, wanted: 7, pendingWrite: false }, first.history, policy, NOW + 120_000);
    expect(later.action).toEqual({ kind: "correct", drift: -2, from: 5, to: 7 });
  });

  it("a changed drift restarts the clock", () => {
    const first = decideDrift({ actual: 5, wanted: 7, pendingWrite: false }, null, policy, NOW);
    const changed = decideDrift({ actual: 4, wanted: 7, pendingWrite: false }, first.history, policy, NOW + 200_000);
    expect(changed.action.kind).toBe("wait");
    expect(changed.history).toEqual({ drift: -3, sinceMs: NOW + 200_000 });
  });

  it("beyond the auto-correct limit a human decides, in either direction", () => {
    expect(decideDrift({ actual: 40, wanted: 7, pendingWrite: false }, null, policy, NOW).action).toEqual({ kind: "needs_human", drift: 33 });
    expect(decideDrift({ actual: 0, wanted: 30, pendingWrite: false }, { drift: -30, sinceMs: 0 }, policy, NOW).action).toEqual({
      kind: "needs_human",
      drift: -30,
    });
  });

  it("our own queued write explains the difference: no correction, no alert", () => {
    expect(decideDrift({ actual: 3, wanted: 9, pendingWrite: true }, null, policy, NOW)).toEqual({
      action: { kind: "pending_write", drift: -6 },
      alert: false,
      history: null,
    });
  });

  it("property: every branch, as specified — corrections land on the wanted value within the limit, an under-report only after its grace period", () => {
    // Drifts inside and beyond the limit in both directions, and a history that is absent, of
    // another drift, or of this drift since before or after the grace period began.
    const scenario = fc
      .record({
        wanted: fc.integer({ min: 0, max: 60 }),
        drift: fc.oneof(fc.constant(0), fc.integer({ min: -25, max: 25 }), fc.integer({ min: -60, max: 60 })),
        pendingWrite: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 5, arbitrary: fc.constant(false) }),
        history: fc.constantFrom("none", "other", "same"),
        ageMs: fc.integer({ min: 0, max: 400_000 }),
        graceMs: fc.integer({ min: 0, max: 300_000 }),
      })
      .map(({ wanted, drift, history, ageMs, ...rest }) => {
        const actual = Math.max(0, wanted + drift);
        const real = actual - wanted;
        const previous = history === "none" ? null : { drift: history === "same" ? real : real + 1, sinceMs: NOW - ageMs };
        return { ...rest, actual, wanted, previous };
      });
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(scenario, ({ actual, wanted, pendingWrite, previous, graceMs }) => {
        const p = { ...policy, graceMs };
        const drift = actual - wanted;
        const { action, alert, history } = decideDrift({ actual, wanted, pendingWrite }, previous, p, NOW);
        const since = previous?.drift === drift ? previous.sinceMs : NOW;
        const expected =
          drift === 0
            ? "in_sync"
            : pendingWrite
              ? "pending_write"
              : Math.abs(drift) > p.autoCorrectLimit
                ? "needs_human"
                : drift < 0 && NOW - since < graceMs
                  ? "wait"
                  : drift < 0
                    ? "correct_under"
                    : "correct_over";
        outcomes.set(expected, (outcomes.get(expected) ?? 0) + 1);
        expect(action.kind).toBe(expected.startsWith("correct") ? "correct" : expected);
        if (action.kind === "correct") expect(action).toEqual({ kind: "correct", drift, from: actual, to: wanted });
        if (action.kind === "wait") expect(action).toEqual({ kind: "wait", drift, sinceMs: since, correctAfterMs: since + graceMs });
        expect(history).toEqual(drift === 0 || pendingWrite ? null : { drift, sinceMs: since });
        expect(alert).toBe(drift !== 0 && !pendingWrite && Math.abs(drift) > p.threshold);
      }),
      { numRuns: 2_000 },
    );
    // Every branch was taken, often: the grace clause both ways included.
    // (Each branch is expected ~100–700 times in 2,000 runs; 40 leaves a wide margin.)
    for (const branch of ["in_sync", "pending_write", "needs_human", "wait", "correct_under", "correct_over"])
      expect([branch, (outcomes.get(branch) ?? 0) >= 40]).toEqual([branch, true]);
  });
});

describe("passProgress", () => {
  it("share and a linear ETA", () => {
    expect(passProgress(250, 1_000, 0, 10_000)).toEqual({ share: 0.25, etaMs: 30_000 });
    expect(passProgress(0, 1_000, 0, 10_000)).toEqual({ share: 0, etaMs: null });
    expect(passProgress(1_000, 1_000, 0, 10_000)).toEqual({ share: 1, etaMs: 0 });
  });
});
