import { z } from "zod";
import { locationIdSchema } from "../../lib/domain/events";
import { log } from "../../lib/log";
import type { WmsEvent } from "../../lib/sources/wms";
import { listenOptionsShape, loadSaved, persistState, serveEmulator, webhookTargetSchema } from "../shared/emulator-boot";
import { sendJson } from "../shared/http";
import { WebhookSender, type DeliveryProfile, type SenderStats } from "../shared/webhook-sender";
import { EventBatcher, type BatchTimer, type BatcherStats } from "./event-batcher";
import { cancelRequestSchema, cycleCountSchema, lagSchema, movementSchema, orderIdSchema, orderRequestSchema, pickingSchema, stockSchema } from "./schemas";
import { MAX_CLOSED_ORDERS_SAVED, restoreWms, snapshotWms, wmsStateSchema } from "./saved-state";
import { Warehouse, type Lag, type OrderStatus, type WarehouseCounters } from "./warehouse";

/**
 * The WMS / 3PL: owns physical stock, picks the fulfillment orders the channels send it, and
 * posts signed, batched events to the app (`/api/webhooks/wms`).
 */
export interface WmsEmulatorOptions {
  port: number;
  host?: string;
  webhook: { url: string; secret: string; delivery?: DeliveryProfile };
  locations: string[];
  initialStock?: Record<string, Record<string, number>>;
  picking?: { lagMs: Lag; paused?: boolean };
  /** Events are collected for this long before one `{"events": [...]}` post (default 50). */
  batchMs?: number;
  /** What runs the batch window (default: setTimeout). Tests pass a manual one, so which events share a body does not depend on the machine's speed. */
  batchTimer?: BatchTimer;
  random?: () => number;
  /**
   * Where the WMS keeps its world across restarts (see saved-state.ts). When the file exists
   * its state wins over `initialStock` and `picking`; absent, the world lives in memory only.
   */
  stateFile?: string;
}

export interface WmsStats extends WarehouseCounters {
  events: BatcherStats & Omit<SenderStats, "sent">;
}

export interface WmsEmulator {
  url: string;
  stop(): Promise<void>;
  /** Send batched events now and resolve when every delivery is done. */
  flush(): Promise<void>;
  stock(): Record<string, Record<string, number>>;
  stats(): WmsStats;
}

const DEFAULT_LAG: Lag = { min: 250, max: 1_500 };

const optionsSchema = z.object({
  ...listenOptionsShape,
  webhook: webhookTargetSchema,
  locations: z
    .array(locationIdSchema)
    .min(1)
    .refine((l) => new Set(l).size === l.length, "locations must be unique"),
  initialStock: stockSchema.optional(),
  picking: z.object({ lagMs: lagSchema, paused: z.boolean().optional() }).optional(),
  batchMs: z.number().int().min(0).max(600_000).optional(),
});

const orderListQuery = z.enum(["open", "picked", "short", "cancelled"]).optional();

export async function startWmsEmulator(options: WmsEmulatorOptions): Promise<WmsEmulator> {
  const opts = optionsSchema.parse(options);
  const saved = loadSaved(opts.stateFile, wmsStateSchema);
  const random = options.random ?? Math.random;
  const sender = new WebhookSender(options.webhook.delivery, random);
  const batcher = new EventBatcher(sender, opts.webhook, opts.batchMs ?? 50, options.batchTimer);
  const warehouse = new Warehouse({
    locations: opts.locations,
    initialStock: opts.initialStock ?? {},
    lagMs: opts.picking?.lagMs ?? DEFAULT_LAG,
    paused: opts.picking?.paused ?? false,
    random,
    emit: (event: WmsEvent) => batcher.push(event),
    ...(opts.stateFile ? { maxClosedOrders: MAX_CLOSED_ORDERS_SAVED } : {}),
  });
  if (saved) restoreWms(saved, { warehouse, batcher, sender });
  // Timer-driven changes, saved in the same callback: a pick, a batch leaving, a delivery acknowledged or retried.
  const persistence = persistState(opts.stateFile, () => snapshotWms({ warehouse, batcher, sender }), [sender]);
  warehouse.onPicked = persistence.saveSoon;

  const stats = (): WmsStats => {
    const { sent: _sent, ...delivery } = sender.stats;
    return { ...warehouse.counters, events: { ...batcher.stats, ...delivery } };
  };
  const flush = async (): Promise<void> => {
    batcher.flush();
    await sender.idle();
  };

  const server = await serveEmulator({
    name: "wms emulator",
    listen: opts,
    persistence,
    routes: {
      // ---- the WMS API the channels call
      "POST /orders": async (ctx) => {
        const { order, created } = warehouse.submit(await ctx.json(orderRequestSchema));
        sendJson(ctx.res, created ? 202 : 200, { ...order, duplicate: !created });
        return undefined;
      },
      "GET /orders/:orderId": (ctx) => {
        const orderId = orderIdSchema.safeParse(ctx.params.orderId);
        const order = orderId.success ? warehouse.listOrders().find((o) => o.orderId === orderId.data) : undefined;
        if (!order) return sendJson(ctx.res, 404, { error: `no order ${ctx.params.orderId ?? ""}` });
        return order;
      },
      "POST /orders/:orderId/cancel": async (ctx) => {
        const body = await ctx.json(cancelRequestSchema.nullable());
        return warehouse.cancel(ctx.params.orderId ?? "", body?.restock ?? false);
      },

      // ---- control API for demos and tests
      "POST /_emulator/receive": async (ctx) => {
        const { sku, locationId, quantity } = await ctx.json(movementSchema);
        warehouse.receive(sku, locationId, quantity);
        return { sku, locationId, physical: warehouse.count(sku, locationId) };
      },
      "POST /_emulator/cycle-count": async (ctx) => {
        const { sku, locationId, quantity } = await ctx.json(cycleCountSchema);
        warehouse.cycleCount(sku, locationId, quantity);
        return { sku, locationId, physical: warehouse.count(sku, locationId) };
      },
      "POST /_emulator/damage": async (ctx) => {
        const { sku, locationId, quantity } = await ctx.json(movementSchema);
        warehouse.damage(sku, locationId, quantity);
        return { sku, locationId, physical: warehouse.count(sku, locationId) };
      },
      "POST /_emulator/shrink": async (ctx) => {
        const { sku, locationId, quantity } = await ctx.json(movementSchema);
        warehouse.shrink(sku, locationId, quantity);
        return { sku, locationId, physical: warehouse.count(sku, locationId) };
      },
      "POST /_emulator/return": async (ctx) => {
        const { sku, locationId, quantity } = await ctx.json(movementSchema);
        warehouse.returnUnits(sku, locationId, quantity);
        return { sku, locationId, physical: warehouse.count(sku, locationId) };
      },
      "GET /_emulator/stock": () => warehouse.snapshot(),
      /** Units not set aside for open orders (what a store till may sell). */
      "GET /_emulator/shelf": () => warehouse.shelf(),
      "GET /_emulator/orders": (ctx) => {
        const status = orderListQuery.safeParse(ctx.query.get("status") ?? undefined);
        if (!status.success) return sendJson(ctx.res, 400, { error: "status must be open, picked, short or cancelled" });
        const filter: OrderStatus | undefined = status.data;
        return { orders: warehouse.listOrders(filter) };
      },
      "GET /_emulator/picking": () => warehouse.picking(),
      "POST /_emulator/picking": async (ctx) => {
        warehouse.setPicking(await ctx.json(pickingSchema));
        return warehouse.picking();
      },
      "GET /_emulator/webhook-acks": () => ({ ackMs: sender.ackTimes() }),
      "GET /_emulator/stats": () => stats(),
      "POST /_emulator/flush": async () => {
        await flush();
        return stats();
      },
    },
  });

  log.info("wms_emulator.started", { url: server.url, locations: opts.locations, webhook: opts.webhook.url, resumed: saved !== null });
  return {
    url: server.url,
    flush,
    stock: () => warehouse.snapshot(),
    stats,
    stop: async () => {
      persistence.close();
      warehouse.stop();
      batcher.stop();
      sender.stop();
      await server.stop();
    },
  };
}
