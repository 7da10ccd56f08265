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
    expect(decideDrift({ actual: 0, wanted: 30, pendingWrite: false }, { drift: -30, sinceMs: 0 }, policy, NOW).action).toEqual({ kind: "needs_human", drift: -30 });
  });

  it("our own queued write explains the difference: no correction, no alert", () => {
    expect(decideDrift({ actual: 3, wanted: 9, pendingWrite: true }, null, policy, NOW)).toEqual({ action: { kind: "pending_write", drift: -6 }, alert: false, history: null });
  });

  it("property: a correction always lands on the wanted value, never moves more than the limit, and never raises a fresh under-report", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.boolean(),
        fc.option(fc.record({ drift: fc.integer({ min: -200, max: 200 }), sinceMs: fc.integer({ min: 0, max: NOW }) })),
        fc.integer({ min: 0, max: 300_000 }),
        (actual, wanted, pendingWrite, previous, graceMs) => {
          const p = { ...policy, graceMs };
          const { action, alert } = decideDrift({ actual, wanted, pendingWrite }, previous, p, NOW);
          if (action.kind === "correct") {
            expect(action.to).toBe(wanted);
            expect(action.from).toBe(actual);
            expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(p.autoCorrectLimit);
            if (actual < wanted) expect(previous?.drift === actual - wanted && NOW - previous.sinceMs >= graceMs).toBe(true);
          }
          if (pendingWrite || actual === wanted) expect(alert).toBe(false);
          else expect(alert).toBe(Math.abs(actual - wanted) > p.threshold);
        },
      ),
    );
  });
});

describe("passProgress", () => {
  it("share and a linear ETA", () => {
    expect(passProgress(250, 1_000, 0, 10_000)).toEqual({ share: 0.25, etaMs: 30_000 });
    expect(passProgress(0, 1_000, 0, 10_000)).toEqual({ share: 0, etaMs: null });
    expect(passProgress(1_000, 1_000, 0, 10_000)).toEqual({ share: 1, etaMs: 0 });
  });
});
