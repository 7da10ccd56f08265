import type { SenderStats } from "../shared/webhook-sender";

/** Counters and the request log behind `/_emulator/stats` and `/_emulator/requests`. */
export interface RequestRecord {
  time: string;
  api: "admin" | "storefront";
  operationName: string | null;
  rootFields: string[];
  /** The operation's variables as JSON (first 500 characters), to see what was asked for. */
  variables: string | null;
  status: number;
  requestedCost: number | null;
  actualCost: number | null;
  throttled: boolean;
  idempotencyKey: string | null;
  replayed: boolean;
  /** The answer was held back by the stall fault (the write ran; the client may have timed out). */
  stalled: boolean;
  userErrorCodes: string[];
  errorCodes: string[];
  durationMs: number;
  /** Each inventory change an inventory mutation asked for, with its compare-and-swap value (I6 checks). */
  inventoryChanges: InventoryChangeRecord[];
  /**
   * Storefront only: the `Shopify-Storefront-Buyer-IP` header (first 64 characters), which a
   * server-side caller with a private token sends so Shopify throttles per shopper, not per server
   * (https://shopify.dev/docs/api/usage/authentication#optional-ip-header); null when absent.
   */
  buyerIp: string | null;
}

export interface InventoryChangeRecord {
  mutation: "inventoryAdjustQuantities" | "inventorySetQuantities";
  sku: string | null;
  locationId: string;
  /** `null` when the caller opted out of the compare-and-swap. */
  changeFromQuantity: number | null;
}

export const newRequestRecord = (api: RequestRecord["api"]): RequestRecord => ({
  time: new Date().toISOString(),
  api,
  operationName: null,
  rootFields: [],
  variables: null,
  status: 200,
  requestedCost: null,
  actualCost: null,
  throttled: false,
  idempotencyKey: null,
  replayed: false,
  stalled: false,
  userErrorCodes: [],
  errorCodes: [],
  durationMs: 0,
  inventoryChanges: [],
  buyerIp: null,
});

const zeroCounters = () => ({
  requests: 0,
  adminRequests: 0,
  storefrontRequests: 0,
  throttled: 0,
  maxCostExceeded: 0,
  unauthorized: 0,
  faultsInjected: 0,
  stalls: 0,
  mutationsApplied: 0,
  idempotentReplays: 0,
  idempotencyMismatches: 0,
  staleCas: 0,
  userErrors: 0,
  graphqlErrors: 0,
  checkouts: 0,
  checkoutsRefused: 0,
  cancels: 0,
  refunds: 0,
  fulfillments: 0,
  productUpdates: 0,
});

export type Counters = ReturnType<typeof zeroCounters>;

const LOG_LIMIT = 5_000;

export class EmulatorStats {
  counters: Counters = zeroCounters();
  private log: RequestRecord[] = [];
  /** Sender stats at the last reset: reported numbers are deltas from here. */
  private senderBase: Omit<SenderStats, "pending"> = { sent: 0, delivered: 0, duplicates: 0, retries: 0, failed: 0 };

  record(entry: RequestRecord): void {
    this.counters.requests++;
    if (entry.api === "admin") this.counters.adminRequests++;
    else this.counters.storefrontRequests++;
    if (entry.throttled) this.counters.throttled++;
    this.counters.userErrors += entry.userErrorCodes.length;
    this.counters.graphqlErrors += entry.errorCodes.length;
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  recent(limit: number): RequestRecord[] {
    return this.log.slice(-limit);
  }

  webhookStats(sender: SenderStats): SenderStats {
    const b = this.senderBase;
    return {
      sent: sender.sent - b.sent,
      delivered: sender.delivered - b.delivered,
      duplicates: sender.duplicates - b.duplicates,
      retries: sender.retries - b.retries,
      failed: sender.failed - b.failed,
      pending: sender.pending,
    };
  }

  reset(sender: SenderStats): void {
    this.counters = zeroCounters();
    this.log = [];
    const { pending: _pending, ...rest } = sender;
    this.senderBase = { ...rest };
  }
}
