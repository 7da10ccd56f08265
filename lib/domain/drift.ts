/**
 * Drift reconciliation decisions (pure). A channel's real number is compared with what the
 * projection wants it to hold; the difference is drift. What to do about it depends on its
 * size, its direction and how long it has held:
 *
 * - over-reporting (channel > wanted) can sell stock we do not have: correct at once;
 * - under-reporting (channel < wanted) is often a sale whose webhook has not arrived yet:
 *   correcting it would hand the sold unit back, so wait until it has held for `graceMs`;
 * - beyond `autoCorrectLimit` a machine should not decide: a human does;
 * - while our own write for the SKU is still queued or in flight, the difference is ours
 *   and will close by itself.
 */
export interface DriftPolicy {
  threshold: number;
  autoCorrectLimit: number;
  graceMs: number;
}

export interface DriftObservation {
  /** What the channel holds now. */
  actual: number;
  /** What the projection says it should hold. */
  wanted: number;
  /** Our own write for this SKU is queued or in flight on this channel. */
  pendingWrite: boolean;
}

/** The same drift seen by an earlier pass: since when it has held. */
export interface DriftHistory {
  drift: number;
  sinceMs: number;
}

export type DriftAction =
  | { kind: "in_sync" }
  | { kind: "pending_write"; drift: number }
  | { kind: "wait"; drift: number; sinceMs: number; correctAfterMs: number }
  | { kind: "correct"; drift: number; from: number; to: number }
  | { kind: "needs_human"; drift: number };

export interface DriftDecision {
  action: DriftAction;
  /** |drift| above the alert threshold (a pending write of ours never alerts). */
  alert: boolean;
  /** What to remember for the next pass (null: nothing is off). */
  history: DriftHistory | null;
}

export function decideDrift(observation: DriftObservation, previous: DriftHistory | null, policy: DriftPolicy, nowMs: number): DriftDecision {
  const drift = observation.actual - observation.wanted;
  if (drift === 0) return { action: { kind: "in_sync" }, alert: false, history: null };
  if (observation.pendingWrite) return { action: { kind: "pending_write", drift }, alert: false, history: null };
  // A different drift than last time is a new situation: its clock starts now.
  const sinceMs = previous && previous.drift === drift ? previous.sinceMs : nowMs;
  const history = { drift, sinceMs };
  const alert = Math.abs(drift) > policy.threshold;
  if (Math.abs(drift) > policy.autoCorrectLimit) return { action: { kind: "needs_human", drift }, alert, history };
  if (drift < 0 && nowMs - sinceMs < policy.graceMs)
    return { action: { kind: "wait", drift, sinceMs, correctAfterMs: sinceMs + policy.graceMs }, alert, history };
  return { action: { kind: "correct", drift, from: observation.actual, to: observation.wanted }, alert, history };
}

/** Pass progress for the dashboard: share done and a linear ETA. */
export function passProgress(done: number, total: number, startedMs: number, nowMs: number): { share: number; etaMs: number | null } {
  const share = total <= 0 ? 1 : Math.min(1, done / total);
  if (done <= 0 || share >= 1) return { share, etaMs: share >= 1 ? 0 : null };
  return { share, etaMs: Math.round(((nowMs - startedMs) / done) * (total - done)) };
}
