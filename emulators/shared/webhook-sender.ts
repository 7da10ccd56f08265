import { z } from "zod";
import { signBody } from "../../lib/http/hmac";

/**
 * Delivers signed webhooks the way real platforms do: at least once, late, sometimes twice,
 * in no particular order. Failed deliveries (network error, non-2xx) are retried with
 * backoff, as Shopify does, until `maxAttempts`.
 */
export interface DeliveryProfile {
  /** Each delivery waits a random time in [min, max] ms (so deliveries reorder). */
  lagMs: { min: number; max: number };
  /** Share of deliveries sent a second time, later. */
  duplicateRate: number;
  maxAttempts: number;
}

export const immediateDelivery: DeliveryProfile = { lagMs: { min: 0, max: 0 }, duplicateRate: 0, maxAttempts: 8 };

export interface Outgoing {
  url: string;
  secret: string;
  signatureHeader: string;
  body: unknown;
  headers?: Record<string, string>;
}

export const outgoingSchema = z.object({
  url: z.string(),
  secret: z.string(),
  signatureHeader: z.string(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** A delivery not yet acknowledged (waiting, in flight or between retries), as saved on disk. */
export const pendingDeliverySchema = z.object({ message: outgoingSchema, attempt: z.number().int().min(1), dueAt: z.number() });
export type PendingDelivery = z.infer<typeof pendingDeliverySchema>;

export interface SenderStats {
  sent: number;
  delivered: number;
  duplicates: number;
  retries: number;
  failed: number;
  pending: number;
}

/** Deterministic when given a seeded `random` (the flash-sale harness needs repeatable runs). */
export class WebhookSender {
  private pendingCount = 0;
  /** How long the receiver took to answer each successful delivery (ms), newest last. */
  private readonly acks: number[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Every delivery not yet acknowledged, so a restart can resume them (Shopify keeps retrying across our restarts). */
  private readonly unacked = new Map<number, PendingDelivery>();
  private nextId = 0;
  private stopped = false;
  /** Called when the set of unacknowledged deliveries changes (persistence saves it). */
  onChange: () => void = () => undefined;
  readonly stats: SenderStats = { sent: 0, delivered: 0, duplicates: 0, retries: 0, failed: 0, pending: 0 };

  constructor(
    public profile: DeliveryProfile = immediateDelivery,
    private readonly random: () => number = Math.random,
  ) {}

  send(message: Outgoing): void {
    this.stats.sent++;
    this.schedule(message, 1, this.lag());
    if (this.random() < this.profile.duplicateRate) {
      this.stats.duplicates++;
      this.schedule(message, 1, this.lag() + this.lag());
    }
  }

  /** Ack times (ms) of successful deliveries, for `GET /_emulator/webhook-acks`. */
  ackTimes(): number[] {
    return [...this.acks];
  }

  private recordAck(ms: number): void {
    this.stats.delivered++;
    this.acks.push(Math.round(ms * 10) / 10);
    if (this.acks.length > 50_000) this.acks.splice(0, this.acks.length - 50_000);
  }

  /** What is still to be delivered, for the emulator's state file. */
  pending(): PendingDelivery[] {
    return [...this.unacked.values()].map((d) => ({ ...d }));
  }

  /** Resumes deliveries saved by `pending()` (overdue ones leave at once). */
  resume(deliveries: readonly PendingDelivery[], now = Date.now()): void {
    for (const d of deliveries) this.schedule(d.message, d.attempt, Math.max(0, d.dueAt - now));
  }

  /** Resolves when nothing is waiting to be delivered. */
  idle(): Promise<void> {
    return this.pendingCount === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pendingCount = 0;
    this.stats.pending = 0;
    this.waiters.splice(0).forEach((w) => w());
  }

  private lag(): number {
    const { min, max } = this.profile.lagMs;
    return min + Math.floor(this.random() * Math.max(0, max - min + 1));
  }

  private schedule(message: Outgoing, attempt: number, delayMs: number, id = this.nextId++): void {
    this.pendingCount++;
    this.stats.pending = this.pendingCount;
    this.unacked.set(id, { message, attempt, dueAt: Date.now() + delayMs });
    this.onChange();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(message, attempt, id);
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(message: Outgoing, attempt: number, id: number): Promise<void> {
    const raw = JSON.stringify(message.body);
    let ok = false;
    const started = performance.now();
    try {
      const response = await fetch(message.url, {
        method: "POST",
        headers: { "content-type": "application/json", [message.signatureHeader]: signBody(raw, message.secret), ...message.headers },
        body: raw,
      });
      await response.arrayBuffer();
      ok = response.ok;
    } catch {
      ok = false;
    }
    // A stopped sender keeps what it had not delivered (in its saved state) and schedules nothing.
    if (this.stopped) return;
    if (ok) this.recordAck(performance.now() - started);
    else if (attempt < this.profile.maxAttempts) {
      this.stats.retries++;
      this.schedule(message, attempt + 1, Math.min(10_000, 100 * 2 ** attempt), id);
    } else this.stats.failed++;
    if (ok || attempt >= this.profile.maxAttempts) {
      this.unacked.delete(id);
      this.onChange();
    }
    this.pendingCount--;
    this.stats.pending = this.pendingCount;
    if (this.pendingCount === 0) this.waiters.splice(0).forEach((w) => w());
  }
}
