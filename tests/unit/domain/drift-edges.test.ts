import { describe, expect, it } from "vitest";
import { decideDrift, passProgress, type DriftPolicy } from "@/lib/domain/drift";

/** Limits of the drift rules (lib/domain/drift.ts), at and either side of each boundary. */
const policy: DriftPolicy = { threshold: 3, autoCorrectLimit: 25, graceMs: 120_000 };
const NOW = 1_000_000;
const seen = (actual: number, wanted: number) => ({ actual, wanted, pendingWrite: false });

describe("decideDrift boundaries", () => {
  it("alerts only strictly above the threshold", () => {
    expect(decideDrift(seen(10, 7), null, policy, NOW).alert).toBe(false);
    expect(decideDrift(seen(11, 7), null, policy, NOW).alert).toBe(true);
    expect(decideDrift(seen(4, 7), null, policy, NOW).alert).toBe(false);
    expect(decideDrift(seen(3, 7), null, policy, NOW).alert).toBe(true);
  });

  it("corrects at exactly the auto-correct limit, hands over one past it (with an alert and a memory)", () => {
    expect(decideDrift(seen(32, 7), null, policy, NOW)).toEqual({
      action: { kind: "correct", drift: 25, from: 32, to: 7 },
      alert: true,
      history: { drift: 25, sinceMs: NOW },
    });
    expect(decideDrift(seen(33, 7), null, policy, NOW)).toEqual({
      action: { kind: "needs_human", drift: 26 },
      alert: true,
      history: { drift: 26, sinceMs: NOW },
    });
    expect(decideDrift(seen(0, 26), { drift: -26, sinceMs: 5 }, policy, NOW)).toEqual({
      action: { kind: "needs_human", drift: -26 },
      alert: true,
      history: { drift: -26, sinceMs: 5 },
    });
  });

  it("an under-report held one ms short of the grace still waits, from when it was first seen", () => {
    const previous = { drift: -5, sinceMs: NOW - 119_999 };
    expect(decideDrift(seen(2, 7), previous, policy, NOW)).toEqual({
      action: { kind: "wait", drift: -5, sinceMs: NOW - 119_999, correctAfterMs: NOW + 1 },
      alert: true,
      history: previous,
    });
    expect(decideDrift(seen(2, 7), previous, policy, NOW + 1).action).toEqual({ kind: "correct", drift: -5, from: 2, to: 7 });
  });

  it("an over-report is corrected even with a fresh clock; a same-drift memory keeps its start", () => {
    expect(decideDrift(seen(9, 7), { drift: 2, sinceMs: 42 }, policy, NOW)).toEqual({
      action: { kind: "correct", drift: 2, from: 9, to: 7 },
      alert: false,
      history: { drift: 2, sinceMs: 42 },
    });
    expect(decideDrift(seen(9, 7), { drift: 3, sinceMs: 42 }, policy, NOW).history).toEqual({ drift: 2, sinceMs: NOW });
  });

  it("our pending write wins over any size of drift", () => {
    expect(decideDrift({ actual: 100, wanted: 0, pendingWrite: true }, null, policy, NOW)).toEqual({
      action: { kind: "pending_write", drift: 100 },
      alert: false,
      history: null,
    });
    expect(decideDrift({ actual: 5, wanted: 5, pendingWrite: true }, null, policy, NOW).action).toEqual({ kind: "in_sync" });
  });
});

describe("passProgress edges", () => {
  it("an empty pass is done; a pass over its total is done; ETA rounds to the ms and counts from the start", () => {
    expect(passProgress(0, 0, 0, 10)).toEqual({ share: 1, etaMs: 0 });
    expect(passProgress(12, 10, 0, 10)).toEqual({ share: 1, etaMs: 0 });
    expect(passProgress(3, 10, 0, 1_000)).toEqual({ share: 0.3, etaMs: 2_333 });
    expect(passProgress(2, 3, 0, 1_001)).toEqual({ share: 2 / 3, etaMs: 501 });
    expect(passProgress(1, 4, 1_000, 3_000)).toEqual({ share: 0.25, etaMs: 6_000 });
    expect(passProgress(-1, 10, 0, 10)).toEqual({ share: -0.1, etaMs: null });
    expect(passProgress(1, -5, 0, 10)).toEqual({ share: 1, etaMs: 0 });
  });
});
