import type { CallResult } from "../http/call-result";

/**
 * Channel reads wait out rate limits the way writes do (they are rare: a SKU's first sight,
 * reconciliation), and give up with an error after a few tries.
 */

export async function readWithRetry<T>(what: string, attempt: () => Promise<CallResult<T, object>>, tries = 6): Promise<T> {
  for (let i = 1; ; i++) {
    const result = await attempt();
    if (result.kind === "ok") return result.data;
    // Refused credentials do not heal in seconds: fail now (the caller's batch stays in flight).
    if (result.kind === "error" || result.reason === "auth" || i >= tries)
      throw new Error(`${what} failed: ${result.kind === "error" ? result.message : result.reason}`);
    await new Promise((r) => setTimeout(r, result.retryAfterMs));
  }
}
