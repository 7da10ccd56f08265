/**
 * The one result shape of every outbound call (Shopify Admin, marketplace, ERP, channel reads
 * and writes). Calls never throw for what the other side answered: they say whether it worked,
 * whether to try again later (and when), or why it failed for good, and the caller `switch`es
 * on `kind`. `Extra` carries what a system adds to every answer (Shopify's throttle status).
 */
/** `auth`: the system refused our credentials (401/403); kept and retried until a human fixes them, with an alert. */
export type RetryReason = "throttled" | "rate_limited" | "unavailable" | "auth";

export type CallResult<T, Extra extends object = object> =
  | ({ kind: "ok"; data: T } & Extra)
  /** Send the same request (same idempotency key) again after `retryAfterMs`; never drop it. */
  | ({ kind: "retry"; reason: RetryReason; retryAfterMs: number } & Extra)
  /** Refused for good (bad input, unknown id, a 4xx): retrying cannot help. `status`: the HTTP status, when there was one. */
  | { kind: "error"; message: string; status?: number };

export const ok = <T>(data: T): { kind: "ok"; data: T } => ({ kind: "ok", data });
export const retry = (reason: RetryReason, retryAfterMs: number): { kind: "retry"; reason: RetryReason; retryAfterMs: number } => ({
  kind: "retry",
  reason,
  retryAfterMs,
});
export const failure = (message: string, status?: number): { kind: "error"; message: string; status?: number } =>
  status === undefined ? { kind: "error", message } : { kind: "error", message, status };

/** The same failure or retry, re-typed for a caller whose success carries other data. */
export const notOk = <R extends { kind: string }>(result: R): Exclude<R, { kind: "ok" }> => result as Exclude<R, { kind: "ok" }>;

/** `Retry-After` in seconds (at least 1) → ms; what a 429 or 503 without the header means: 1 s. */
export const retryAfterMs = (header: string | null): number => 1_000 * Math.max(1, Number(header) || 1);
