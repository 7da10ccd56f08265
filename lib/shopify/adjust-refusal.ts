/**
 * What Shopify's `inventoryAdjustQuantities` user errors mean for the caller (codes and
 * descriptions: schema InventoryAdjustQuantitiesUserErrorCode). The mutation is all-or-nothing:
 * any user error and nothing was applied.
 */
export interface UserErrorLike {
  field?: readonly string[] | null;
  message: string;
  code?: string | null;
}

/** One change Shopify refused, by its index in `input.changes`. */
export interface RefusedChange {
  index: number;
  code: string;
  message: string;
}

export type ItemRefusal =
  /** These changes were refused (each with a `["input","changes","<i>",…]` path); the others are fine and can go again. */
  | { kind: "items"; changes: RefusedChange[] }
  /** Known not applied (a failed attempt, or its key spent by one): the same changes under a fresh key. */
  | { kind: "not_applied"; code: string; message: string };

/** Not applied, and the key is spent: "Retry with a new idempotency key." / "Try again." */
const FRESH_KEY = new Set(["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "ADJUST_QUANTITIES_FAILED"]);
/** Same key again, after a pause: "currently in progress" / "temporarily unavailable". */
const SAME_KEY = new Set(["IDEMPOTENCY_CONCURRENT_REQUEST", "SERVICE_UNAVAILABLE"]);

const changeIndex = (field: readonly string[] | null | undefined): number | null =>
  field && field[0] === "input" && field[1] === "changes" && /^\d+$/.test(field[2] ?? "") ? Number(field[2]) : null;

export function refusalOf(userErrors: readonly UserErrorLike[]): ItemRefusal | { kind: "retry" } | { kind: "failure"; message: string } {
  const codes = userErrors.map((e) => e.code ?? "UNKNOWN");
  const summary = userErrors.map((e) => `${e.code ?? "UNKNOWN"}: ${e.message}`).join("; ");
  if (codes.some((c) => SAME_KEY.has(c))) return { kind: "retry" };
  const fresh = userErrors.find((e) => FRESH_KEY.has(e.code ?? ""));
  if (fresh) return { kind: "not_applied", code: fresh.code ?? "UNKNOWN", message: fresh.message };
  const indexed = userErrors.map((e) => ({ index: changeIndex(e.field), code: e.code ?? "UNKNOWN", message: e.message }));
  // An error about the whole input (reason, name, a mismatched key) is ours to fix: refused for good.
  if (indexed.some((e) => e.index === null)) return { kind: "failure", message: summary };
  const byIndex = new Map<number, RefusedChange>();
  for (const e of indexed) if (e.index !== null && !byIndex.has(e.index)) byIndex.set(e.index, { index: e.index, code: e.code, message: e.message });
  return { kind: "items", changes: [...byIndex.values()].sort((a, b) => a.index - b.index) };
}
