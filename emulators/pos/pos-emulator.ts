import { z } from "zod";
import { locationIdSchema, skuSchema } from "../../lib/domain/events";
import { log } from "../../lib/log";
import { listenOptionsShape, loadSaved, persistState, serveEmulator, webhookTargetSchema } from "../shared/emulator-boot";
import { HttpError, sendJson } from "../shared/http";
import { randomTag } from "../shared/random-tag";
import { immediateDelivery, WebhookSender, type DeliveryProfile, type SenderStats } from "../shared/webhook-sender";
import { FulfillmentClient, type FulfillmentStats } from "../wms/fulfillment-client";
import type { PosSale } from "./pos-sale";
import { capPostedSales, MAX_POSTED_SALES_SAVED, posStateSchema, restorePos, snapshotPos, type PosLedger } from "./saved-state";

/**
 * A store's point of sale. The unit leaves the shelf the moment it is sold (the WMS takes it
 * before the sale completes, and refuses what is not free on the shelf), but the app hears
 * about sales only when the POS posts its batch, late
 * (every `batchEveryMs`, default one minute), to `/api/webhooks/pos`.
 */
export interface PosEmulatorOptions {
  port: number;
  host?: string;
  webhook: { url: string; secret: string; delivery?: DeliveryProfile };
  /** The store's location, as the app and the WMS name it. */
  locationId: string;
  batchEveryMs?: number;
  /**
   * What runs the batch clock (default: setInterval every `batchEveryMs`). Tests pass a manual
   * one and tick it, so which sales share a batch does not depend on the machine's speed.
   */
  batchTimer?: (post: () => void, everyMs: number) => () => void;
  /** The WMS `/orders` endpoint. */
  fulfillmentUrl?: string;
  random?: () => number;
  /** Where the till keeps its records across restarts (see saved-state.ts); absent, they live in memory only. */
  stateFile?: string;
}

export interface PosStats {
  sales: number;
  voids: number;
  batchesPosted: number;
  salesPosted: number;
  pendingSales: number;
  delivery: SenderStats;
  fulfillment: FulfillmentStats | null;
}

export interface PosEmulator {
  url: string;
  stop(): Promise<void>;
  /** Post pending sales now; resolves when the batch (and the WMS calls) are delivered. */
  flush(): Promise<void>;
  stats(): PosStats;
}

const SIGNATURE_HEADER = "x-signature-sha256";
/** The app's per-batch limit. */
const MAX_SALES_PER_BATCH = 1_000;

const intervalTimer = (post: () => void, everyMs: number): (() => void) => {
  const timer = setInterval(post, everyMs);
  return () => clearInterval(timer);
};

const optionsSchema = z.object({
  ...listenOptionsShape,
  webhook: webhookTargetSchema,
  locationId: locationIdSchema,
  batchEveryMs: z.number().int().min(1).max(86_400_000).optional(),
  fulfillmentUrl: z.url().optional(),
});

const saleSchema = z.object({
  lines: z
    .array(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(10_000), priceCents: z.number().int().min(0).max(100_000_000).optional() }))
    .min(1)
    .max(250),
});

export async function startPosEmulator(options: PosEmulatorOptions): Promise<PosEmulator> {
  const opts = optionsSchema.parse(options);
  const saved = loadSaved(opts.stateFile, posStateSchema);
  const random = options.random ?? Math.random;
  const sender = new WebhookSender(options.webhook.delivery ?? immediateDelivery, random);
  const fulfillment = opts.fulfillmentUrl ? new FulfillmentClient(opts.fulfillmentUrl, "pos") : undefined;
  const ledger: PosLedger = {
    // In every id, so a POS started afresh never reuses a sale id the app already applied.
    runTag: randomTag(random, 4),
    saleSeq: 0,
    batchSeq: 0,
    sales: new Map<string, PosSale>(),
    /** Sales whose current status the app has not been sent yet. */
    pending: new Set<string>(),
  };
  const { sales, pending } = ledger;
  const counters = { sales: 0, voids: 0, batchesPosted: 0, salesPosted: 0 };
  if (saved) restorePos(saved, ledger, sender, fulfillment);
  // Deliveries acknowledged or retried, forwards answered: timer-driven, saved soon.
  const persistence = persistState(opts.stateFile, () => snapshotPos(ledger, sender, fulfillment), [sender, fulfillment]);

  const post = (): void => {
    const due = [...pending].flatMap((id) => {
      const sale = sales.get(id);
      return sale ? [structuredClone(sale)] : [];
    });
    pending.clear();
    for (let i = 0; i < due.length; i += MAX_SALES_PER_BATCH) {
      const batch = { batchId: `B-${ledger.runTag}-${++ledger.batchSeq}`, locationId: opts.locationId, sales: due.slice(i, i + MAX_SALES_PER_BATCH) };
      sender.send({ url: opts.webhook.url, secret: opts.webhook.secret, signatureHeader: SIGNATURE_HEADER, body: batch });
      counters.batchesPosted++;
      counters.salesPosted += batch.sales.length;
    }
    if (opts.stateFile) capPostedSales(ledger, MAX_POSTED_SALES_SAVED);
  };
  const everyMs = opts.batchEveryMs ?? 60_000;
  const stopTimer = (options.batchTimer ?? intervalTimer)(() => {
    post();
    persistence.saveSoon();
  }, everyMs);

  const stats = (): PosStats => ({
    ...counters,
    pendingSales: pending.size,
    delivery: { ...sender.stats },
    fulfillment: fulfillment ? { ...fulfillment.stats } : null,
  });
  const flush = async (): Promise<void> => {
    post();
    await Promise.all([sender.idle(), fulfillment?.idle()]);
  };

  const server = await serveEmulator({
    name: "pos emulator",
    listen: opts,
    persistence,
    routes: {
      "POST /_emulator/sale": async (ctx) => {
        const { lines } = await ctx.json(saleSchema);
        const sale: PosSale = {
          id: `S-${ledger.runTag}-${String(++ledger.saleSeq).padStart(6, "0")}`,
          occurredAt: new Date().toISOString(),
          status: "completed",
          lines: lines.map((l, i) => ({ id: String(i + 1), ...l })),
        };
        // The id is on disk before the WMS hears it: after a crash the till never hands out an id the WMS may already hold.
        persistence.saveNow();
        // The unit leaves the shelf with the customer: the WMS takes it in the same step it checks
        // it is there and not set aside for an open order, or the till cannot sell it. Not resumed
        // after a crash: the clerk is waiting for this answer, and without it there was no sale.
        const taken = await fulfillment?.submit(
          {
            orderId: `pos:${sale.id}`,
            lines: sale.lines.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.quantity, locationId: opts.locationId })),
            pickNow: true,
            fromFreeShelf: true,
          },
          { resumable: false },
        );
        if (taken === false) throw new HttpError(409, `not on the shelf at ${opts.locationId} (or set aside for an open order)`);
        sales.set(sale.id, sale);
        pending.add(sale.id);
        counters.sales++;
        return sendJson(ctx.res, 201, { sale });
      },
      /** The cashier voids the sale; the unit goes back on the shelf. */
      "POST /_emulator/void/:saleId": (ctx) => {
        const sale = sales.get(ctx.params.saleId ?? "");
        if (!sale) throw new HttpError(404, `no sale ${ctx.params.saleId ?? ""}`);
        if (sale.status === "voided") throw new HttpError(409, `sale ${sale.id} is already voided`);
        sale.status = "voided";
        pending.add(sale.id);
        counters.voids++;
        fulfillment?.cancel(`pos:${sale.id}`, true);
        return { sale };
      },
      "GET /_emulator/sales": () => ({ sales: [...sales.values()], pending: [...pending] }),
      "GET /_emulator/webhook-acks": () => ({ ackMs: sender.ackTimes() }),
      "GET /_emulator/stats": () => stats(),
      "POST /_emulator/flush": async () => {
        await flush();
        return stats();
      },
    },
  });

  log.info("pos_emulator.started", { url: server.url, locationId: opts.locationId, batchEveryMs: opts.batchEveryMs ?? 60_000, resumed: saved !== null });
  return {
    url: server.url,
    flush,
    stats,
    stop: async () => {
      persistence.close();
      stopTimer();
      sender.stop();
      fulfillment?.stop();
      await server.stop();
    },
  };
}
