import { errorMessage, log } from "../../lib/log";
import type { OrderRequest } from "./schemas";

/**
 * How a selling system (marketplace, POS, Shopify) hands orders to the WMS: `POST <url>` with
 * the order, `POST <url>/<orderId>/cancel` to cancel. Retried with backoff on network errors,
 * 429 and 5xx (the WMS dedupes on orderId); calls for one order stay in order, so a cancel
 * never overtakes its order.
 */
export interface FulfillmentStats {
  requested: number;
  accepted: number;
  cancelled: number;
  retries: number;
  failed: number;
}

export interface FulfillmentClientOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
}

export class FulfillmentClient {
  readonly stats: FulfillmentStats = { requested: 0, accepted: 0, cancelled: 0, retries: 0, failed: 0 };
  private readonly chains = new Map<string, Promise<void>>();
  /** Backoff waits, ended early by stop(). */
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  constructor(
    /** The WMS `/orders` endpoint. */
    private readonly ordersUrl: string,
    private readonly source: string,
    private readonly opts: FulfillmentClientOptions = {},
  ) {}

  /** Resolves true once the WMS accepted the order, false when it refused it or could not be reached. */
  submit(order: OrderRequest): Promise<boolean> {
    this.stats.requested++;
    let accepted = false;
    const done = this.enqueue(order.orderId, async () => {
      accepted = await this.post(this.ordersUrl, order, order.orderId);
      if (accepted) this.stats.accepted++;
    });
    return done.then(() => accepted);
  }

  cancel(orderId: string, restock: boolean): void {
    this.enqueue(orderId, async () => {
      if (await this.post(`${this.ordersUrl.replace(/\/+$/, "")}/${encodeURIComponent(orderId)}/cancel`, { restock }, orderId)) this.stats.cancelled++;
    });
  }

  /** Resolves when every queued call has finished (delivered or given up). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  stop(): void {
    this.stopped = true;
    for (const [timer, resolve] of this.waits) {
      clearTimeout(timer);
      resolve();
    }
    this.waits.clear();
  }

  private enqueue(orderId: string, task: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(orderId) ?? Promise.resolve()).then(task).finally(() => {
      if (this.chains.get(orderId) === next) this.chains.delete(orderId);
    });
    this.chains.set(orderId, next);
    return next;
  }

  private async post(url: string, body: unknown, orderId: string): Promise<boolean> {
    const maxAttempts = this.opts.maxAttempts ?? 6;
    for (let attempt = 1; attempt <= maxAttempts && !this.stopped; attempt++) {
      let reason: string;
      try {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const text = await response.text();
        if (response.ok) return true;
        reason = `HTTP ${response.status}: ${text.slice(0, 200)}`;
        // A 4xx other than 429 will not get better by asking again.
        if (response.status < 500 && response.status !== 429) {
          this.stats.failed++;
          log.error("fulfillment.rejected", { source: this.source, orderId, reason });
          return false;
        }
      } catch (error) {
        reason = errorMessage(error);
      }
      if (attempt === maxAttempts) {
        this.stats.failed++;
        log.error("fulfillment.failed", { source: this.source, orderId, reason, attempts: attempt });
        return false;
      }
      this.stats.retries++;
      await this.sleep((this.opts.baseDelayMs ?? 100) * 2 ** (attempt - 1));
    }
    return false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      this.waits.set(timer, resolve);
    });
  }
}
