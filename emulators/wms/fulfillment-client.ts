import { z } from "zod";
import { errorMessage, log } from "../../lib/log";
import { orderIdSchema, orderRequestSchema, type OrderRequest } from "./schemas";

/**
 * How a selling system (marketplace, POS, Shopify) hands orders to the WMS: `POST <url>` with
 * the order, `POST <url>/<orderId>/cancel` to cancel. Retried with backoff on network errors,
 * 429 and 5xx (the WMS dedupes on orderId); calls for one order stay in order, so a cancel
 * never overtakes its order.
 *
 * Like the webhook sender, the client can hand over what it has not delivered yet
 * (`pending()`, saved with the emulator's state) and pick it up again after a restart
 * (`resume()`), so an order forwarded just before a Ctrl-C still reaches the WMS.
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

/** One call to the WMS. */
export const forwardCallSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("submit"), order: orderRequestSchema }),
  z.object({ kind: z.literal("cancel"), orderId: orderIdSchema, restock: z.boolean() }),
]);
export type ForwardCall = z.infer<typeof forwardCallSchema>;

/** A call not yet answered by the WMS (waiting behind another call for its order, in flight or between retries), as saved on disk. */
export const pendingForwardSchema = z.object({
  call: forwardCallSchema,
  /** The attempt to make next (an attempt in flight counts as not made: a restart makes it again, the WMS dedupes). */
  attempt: z.number().int().min(1),
  /** Not before (epoch ms): the end of the current backoff, 0 when due now. */
  dueAt: z.number(),
});
export type PendingForward = z.infer<typeof pendingForwardSchema>;

export interface SubmitOptions {
  /**
   * false: the call is not part of `pending()`. For a caller that waits for the answer
   * (a till taking a unit off the shelf): after a crash nobody was told it happened, so
   * it must not happen by itself after the restart either.
   */
  resumable?: boolean;
}

export class FulfillmentClient {
  readonly stats: FulfillmentStats = { requested: 0, accepted: 0, cancelled: 0, retries: 0, failed: 0 };
  private readonly chains = new Map<string, Promise<void>>();
  /** Backoff waits, ended early by stop(). */
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  /** Resumable calls not yet answered, in the order they were made (Map iteration is insertion order). */
  private readonly unanswered = new Map<number, PendingForward>();
  private nextId = 0;
  private stopped = false;
  /** Called when the set of unanswered calls changes (persistence saves it). */
  onChange: () => void = () => undefined;

  constructor(
    /** The WMS `/orders` endpoint. */
    private readonly ordersUrl: string,
    private readonly source: string,
    private readonly opts: FulfillmentClientOptions = {},
  ) {}

  /** Resolves true once the WMS accepted the order, false when it refused it or could not be reached. */
  submit(order: OrderRequest, options: SubmitOptions = {}): Promise<boolean> {
    this.stats.requested++;
    return this.run({ kind: "submit", order }, 1, 0, options.resumable ?? true);
  }

  cancel(orderId: string, restock: boolean): void {
    void this.run({ kind: "cancel", orderId, restock }, 1, 0, true);
  }

  /**
   * What the WMS has not answered yet, for the emulator's state file (copies, oldest first).
   * A call that does not fit the schema is left out: the WMS would refuse it (400) anyway, and
   * it must not make the whole file unloadable.
   */
  pending(): PendingForward[] {
    return [...this.unanswered.values()].flatMap((p) => {
      const parsed = pendingForwardSchema.safeParse(p);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Makes the calls saved by `pending()` again, in their order (overdue ones at once). */
  resume(calls: readonly PendingForward[]): void {
    for (const p of calls) {
      if (p.call.kind === "submit") this.stats.requested++;
      void this.run(p.call, p.attempt, p.dueAt, true);
    }
  }

  /** Resolves when every queued call has finished (delivered or given up). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** Stops retrying; what was not answered stays in `pending()` (the emulator saved it before). */
  stop(): void {
    this.stopped = true;
    for (const [timer, resolve] of this.waits) {
      clearTimeout(timer);
      resolve();
    }
    this.waits.clear();
  }

  private run(call: ForwardCall, attempt: number, dueAt: number, resumable: boolean): Promise<boolean> {
    const orderId = call.kind === "submit" ? call.order.orderId : call.orderId;
    const record: PendingForward = { call, attempt, dueAt };
    const id = this.nextId++;
    if (resumable) {
      this.unanswered.set(id, record);
      this.onChange();
    }
    let ok = false;
    const done = this.enqueue(orderId, async () => {
      ok = await this.post(record, orderId);
      if (ok && call.kind === "submit") this.stats.accepted++;
      if (ok && call.kind === "cancel") this.stats.cancelled++;
      // A stopped client keeps what it had not delivered; anything else is settled (answered or given up).
      if (this.stopped && !ok) return;
      if (this.unanswered.delete(id)) this.onChange();
    });
    return done.then(() => ok);
  }

  private enqueue(orderId: string, task: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(orderId) ?? Promise.resolve()).then(task).finally(() => {
      if (this.chains.get(orderId) === next) this.chains.delete(orderId);
    });
    this.chains.set(orderId, next);
    return next;
  }

  private async post(record: PendingForward, orderId: string): Promise<boolean> {
    const { call } = record;
    const url = call.kind === "submit" ? this.ordersUrl : `${this.ordersUrl.replace(/\/+$/, "")}/${encodeURIComponent(call.orderId)}/cancel`;
    const body = call.kind === "submit" ? call.order : { restock: call.restock };
    const maxAttempts = this.opts.maxAttempts ?? 6;
    if (record.dueAt > Date.now() && !this.stopped) await this.sleep(record.dueAt - Date.now());
    for (let attempt = record.attempt; attempt <= maxAttempts && !this.stopped; attempt++) {
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
      if (this.stopped) return false;
      if (attempt >= maxAttempts) {
        this.stats.failed++;
        log.error("fulfillment.failed", { source: this.source, orderId, reason, attempts: attempt });
        return false;
      }
      this.stats.retries++;
      const delay = (this.opts.baseDelayMs ?? 100) * 2 ** (attempt - 1);
      record.attempt = attempt + 1;
      record.dueAt = Date.now() + delay;
      if (this.unanswered.size > 0) this.onChange();
      await this.sleep(delay);
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
