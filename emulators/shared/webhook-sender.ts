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

  /** Resolves when nothing is waiting to be delivered. */
  idle(): Promise<void> {
    return this.pendingCount === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
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

  private schedule(message: Outgoing, attempt: number, delayMs: number): void {
    this.pendingCount++;
    this.stats.pending = this.pendingCount;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(message, attempt);
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(message: Outgoing, attempt: number): Promise<void> {
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
    if (ok) this.recordAck(performance.now() - started);
    else if (attempt < this.profile.maxAttempts) {
      this.stats.retries++;
      this.schedule(message, attempt + 1, Math.min(10_000, 100 * 2 ** attempt));
    } else this.stats.failed++;
    this.pendingCount--;
    this.stats.pending = this.pendingCount;
    if (this.pendingCount === 0) this.waiters.splice(0).forEach((w) => w());
  }
}
