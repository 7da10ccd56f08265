import { setTimeout as sleep } from "node:timers/promises";
import type { ServerResponse } from "node:http";
import { sendJson } from "../shared/http";

/**
 * Injected trouble on the GraphQL APIs (never on the control API): extra latency on every
 * request and a share of requests answered 503 before anything runs, as Shopify does under
 * load. Clients must retry those (the admin-api-client retries 429/500/503 when asked to).
 */
export interface Faults {
  errorRate: number;
  latencyMs: number;
  /** Share of requests that run (a write lands) but whose answer is held for `stallMs`: the client times out not knowing. */
  stallRate: number;
  stallMs: number;
  /**
   * The next `adjustFailures` inventoryAdjustQuantities calls answer `adjustFailureCode` and
   * apply nothing, as Shopify does when it cannot adjust ("The quantities couldn't be adjusted.
   * Try again." / "The service is temporarily unavailable."; schema
   * InventoryAdjustQuantitiesUserErrorCode). Their key is then spent (idempotency.ts).
   */
  adjustFailures: number;
  adjustFailureCode: "ADJUST_QUANTITIES_FAILED" | "SERVICE_UNAVAILABLE";
}

export const noFaults = (): Faults => ({
  errorRate: 0,
  latencyMs: 0,
  stallRate: 0,
  stallMs: 0,
  adjustFailures: 0,
  adjustFailureCode: "ADJUST_QUANTITIES_FAILED",
});

/**
 * After the request ran: sometimes hold the answer (a timeout on the client's side). Counted
 * and marked on the request's record, so a test can show the stall really happened.
 */
export async function maybeStall(faults: Faults, random: () => number, seen: { counters: { stalls: number }; record: { stalled: boolean } }): Promise<void> {
  if (!(faults.stallRate > 0 && faults.stallMs > 0 && random() < faults.stallRate)) return;
  seen.counters.stalls++;
  seen.record.stalled = true;
  await sleep(faults.stallMs);
}

/** True when the request was answered with a fault and must not run. */
export async function injectFaults(faults: Faults, random: () => number, res: ServerResponse): Promise<boolean> {
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.errorRate > 0 && random() < faults.errorRate) {
    sendJson(res, 503, { errors: "Service Unavailable" }, { "retry-after": "1" });
    return true;
  }
  return false;
}
