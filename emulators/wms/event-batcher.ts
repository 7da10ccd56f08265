import { MAX_WMS_BATCH, type WmsEvent } from "../../lib/sources/wms";
import type { WebhookSender } from "../shared/webhook-sender";

/**
 * WMSs post events in batches, not one request per scan: collect for `batchMs` after the
 * first event, then send `{"events": [...]}` (≤ 500 per body, the app's limit).
 */
export const SIGNATURE_HEADER = "x-signature-sha256";

export interface BatcherStats {
  eventsQueued: number;
  eventsSent: number;
  batchesSent: number;
}

/** Starts the batch window: calls `flush` after `ms`, returns how to cancel it. */
export type BatchTimer = (flush: () => void, ms: number) => () => void;

const realTimer: BatchTimer = (flush, ms) => {
  const timer = setTimeout(flush, ms);
  return () => clearTimeout(timer);
};

export class EventBatcher {
  readonly stats: BatcherStats = { eventsQueued: 0, eventsSent: 0, batchesSent: 0 };
  private buffer: WmsEvent[] = [];
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly sender: WebhookSender,
    private readonly target: { url: string; secret: string },
    private readonly batchMs: number,
    private readonly timer: BatchTimer = realTimer,
  ) {}

  push(event: WmsEvent): void {
    this.buffer.push(event);
    this.stats.eventsQueued++;
    if (this.buffer.length >= MAX_WMS_BATCH) this.flush();
    else this.cancelTimer ??= this.timer(() => this.flush(), this.batchMs);
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Events collected for the next batch, for the emulator's state file. */
  buffered(): WmsEvent[] {
    return [...this.buffer];
  }

  /** Collects saved events again; they leave one batch window later, as if just pushed. */
  resume(events: readonly WmsEvent[]): void {
    for (const event of events) this.push(event);
  }

  /** Hand everything buffered to the sender now. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.buffer.length > 0) {
      const events = this.buffer.splice(0, MAX_WMS_BATCH);
      this.sender.send({ url: this.target.url, secret: this.target.secret, signatureHeader: SIGNATURE_HEADER, body: { events } });
      this.stats.eventsSent += events.length;
      this.stats.batchesSent++;
    }
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.buffer = [];
  }
}
