import { z } from "zod";
import { skuSchema } from "../../lib/domain/events";
import { secretEquals } from "../../lib/http/bearer";
import { log } from "../../lib/log";
import { listenOptionsShape, loadSaved, persistState, serveEmulator, webhookTargetSchema } from "../shared/emulator-boot";
import { HttpError, sendJson, type Handler, type RouteContext } from "../shared/http";
import { randomTag } from "../shared/random-tag";
import { rateLimitSchema, TokenBucketLimiter, type RateLimit } from "../shared/rate-limit";
import { ReplyKeys, requestFingerprint, type StoredReply } from "../shared/reply-keys";
import { WebhookSender, type DeliveryProfile, type SenderStats } from "../shared/webhook-sender";
import { FulfillmentClient, type FulfillmentStats } from "../wms/fulfillment-client";
import { Buyers } from "./buyers";
import { Market, type MarketOrder } from "./market";
import { marketplaceStateSchema, MAX_KEYS_SAVED, MAX_ORDERS_SAVED, restoreMarketplace, snapshotMarketplace, type MarketplaceParts } from "./saved-state";
import {
  adjustmentsSchema,
  buyersSchema,
  faultsSchema,
  idempotencyKeySchema,
  MAX_INVENTORY_QUERY,
  purchaseSchema,
  setListingsSchema,
  setQuantitySchema,
  sinceSchema,
  type Faults,
} from "./schemas";

/**
 * A marketplace (Amazon/eBay-style): listing quantities buyers purchase against, a seller API
 * that is rate-limited per key and idempotent per `Idempotency-Key`, and order notifications
 * that reach the app late (`/api/webhooks/marketplace`).
 */
export interface MarketplaceEmulatorOptions {
  port: number;
  host?: string;
  apiKey: string;
  webhook: { url: string; secret: string; delivery?: DeliveryProfile };
  /** Published seller API limit (default 10/s, burst 20). */
  rateLimit?: RateLimit;
  /** The WMS `/orders` endpoint: every purchase becomes a fulfillment request. */
  fulfillmentUrl?: string;
  initialListings?: Record<string, number>;
  random?: () => number;
  /** The rate limiter's clock (ms); tests pass a manual one so a burst's outcome does not depend on the machine's speed. */
  rateLimitClock?: () => number;
  /**
   * Where the marketplace keeps its world across restarts (see saved-state.ts). When the file
   * exists its state wins over `initialListings`; absent, the world lives in memory only.
   */
  stateFile?: string;
}

export interface MarketplaceStats {
  apiCalls: number;
  unauthorized: number;
  rateLimited: number;
  faults: number;
  idempotentReplays: number;
  idempotencyConflicts: number;
  adjustments: number;
  adjustedItems: number;
  clampedItems: number;
  absoluteSets: number;
  staleSets: number;
  purchases: number;
  refusedPurchases: number;
  cancellations: number;
  notifications: SenderStats;
  fulfillment: FulfillmentStats | null;
}

export interface MarketplaceEmulator {
  url: string;
  stop(): Promise<void>;
  stats(): MarketplaceStats;
  listings(): Record<string, number>;
  /** Resolves when every notification and fulfillment request is delivered (or given up). */
  idle(): Promise<void>;
}

/** Order notifications arrive late, sometimes twice, as real marketplaces' do. */
export const lateDelivery: DeliveryProfile = { lagMs: { min: 1_000, max: 5_000 }, duplicateRate: 0.05, maxAttempts: 8 };
const DEFAULT_LIMIT: RateLimit = { perSecond: 10, burst: 20 };
const SIGNATURE_HEADER = "x-signature-sha256";
const FEED_LIMIT = 500;

const optionsSchema = z.object({
  ...listenOptionsShape,
  apiKey: z.string().min(1),
  webhook: webhookTargetSchema,
  rateLimit: rateLimitSchema.optional(),
  fulfillmentUrl: z.url().optional(),
  initialListings: z.record(skuSchema, z.number().int().min(0).max(1_000_000)).optional(),
});

interface Reply extends StoredReply {
  headers?: Record<string, string>;
}

export async function startMarketplaceEmulator(options: MarketplaceEmulatorOptions): Promise<MarketplaceEmulator> {
  const opts = optionsSchema.parse(options);
  const saved = loadSaved(opts.stateFile, marketplaceStateSchema);
  const random = options.random ?? Math.random;
  // A saved marketplace bounds what grows with history (its file is rewritten on every change).
  const market = new Market(randomTag(random, 4), Date.now, opts.stateFile ? MAX_ORDERS_SAVED : Infinity);
  if (!saved) for (const [sku, n] of Object.entries(opts.initialListings ?? {})) market.set(sku, n);
  const limiter = new TokenBucketLimiter(opts.rateLimit ?? DEFAULT_LIMIT, options.rateLimitClock);
  const idempotency = new ReplyKeys({ maxKeys: opts.stateFile ? MAX_KEYS_SAVED : Infinity });
  const notifier = new WebhookSender(options.webhook.delivery ?? lateDelivery, random);
  const fulfillment = opts.fulfillmentUrl ? new FulfillmentClient(opts.fulfillmentUrl, "marketplace") : undefined;
  let faults: Faults = { errorRate: 0, latencyMs: 0 };
  let notificationSeq = 0;
  const counters = {
    apiCalls: 0,
    unauthorized: 0,
    rateLimited: 0,
    faults: 0,
    idempotentReplays: 0,
    idempotencyConflicts: 0,
    adjustments: 0,
    adjustedItems: 0,
    clampedItems: 0,
    absoluteSets: 0,
    staleSets: 0,
    purchases: 0,
    refusedPurchases: 0,
    cancellations: 0,
  };

  const notify = (type: "order.created" | "order.cancelled", order: MarketOrder): void => {
    const body = { id: `ntf-${++notificationSeq}-${randomTag(random, 6)}`, type, occurredAt: order.updatedAt, order: { id: order.id, lines: order.lines } };
    notifier.send({ url: opts.webhook.url, secret: opts.webhook.secret, signatureHeader: SIGNATURE_HEADER, body });
  };

  const purchase = (sku: string, quantity: number, priceCents?: number) => {
    const result = market.purchase(sku, quantity, priceCents);
    if (!result.ok) {
      counters.refusedPurchases++;
      return result;
    }
    counters.purchases++;
    notify("order.created", result.order);
    void fulfillment?.submit({
      orderId: `marketplace:${result.order.id}`,
      lines: result.order.lines.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.quantity })),
    });
    return result;
  };

  const buyers = new Buyers(
    random,
    () => [...market.allListings().keys()],
    (sku, quantity, priceCents) => {
      // A buyer's purchase happens on a timer: saved in the same callback.
      if (purchase(sku, quantity, priceCents).ok) persistence.saveSoon();
    },
  );
  const parts: MarketplaceParts = { market, idempotency, buyers, notifier, fulfillment };
  if (saved) notificationSeq = restoreMarketplace(saved, parts);
  // Deliveries acknowledged or retried, forwards answered: timer-driven, saved soon.
  const persistence = persistState(opts.stateFile, () => snapshotMarketplace(parts, notificationSeq), [notifier, fulfillment]);

  /** Gatekeeping every seller call goes through, in the order a real API gateway applies it. */
  const seller =
    (handler: (ctx: RouteContext) => Promise<Reply> | Reply): Handler =>
    async (ctx) => {
      counters.apiCalls++;
      if (!secretEquals(ctx.req.headers.authorization, `Bearer ${opts.apiKey}`)) {
        counters.unauthorized++;
        throw new HttpError(401, "unauthorized", { "www-authenticate": 'Bearer realm="seller-api"' });
      }
      const taken = limiter.take(opts.apiKey);
      if (!taken.ok) {
        counters.rateLimited++;
        // Refused before anything is read or applied.
        return sendJson(
          ctx.res,
          429,
          { error: "rate_limited", retryAfterSeconds: taken.retryAfterSeconds },
          { "retry-after": String(taken.retryAfterSeconds) },
        );
      }
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        counters.faults++;
        return sendJson(ctx.res, 503, { error: "unavailable" }, { "retry-after": "1" });
      }
      const reply = await handler(ctx);
      return sendJson(ctx.res, reply.status, reply.body, { ...reply.headers, "x-ratelimit-remaining": String(taken.remaining) });
    };

  /**
   * Apply once per key. Between recall and remember there is no await, so concurrent
   * requests with one key cannot both apply.
   */
  const idempotent = (ctx: RouteContext, route: string, body: unknown, apply: () => Reply): Reply => {
    const key = idempotencyKeySchema.safeParse(ctx.req.headers["idempotency-key"]);
    if (!key.success) throw new HttpError(400, "Idempotency-Key header is required (1-255 printable characters)");
    const print = requestFingerprint(route, body);
    const seen = idempotency.recall(opts.apiKey, key.data, print);
    if (seen.kind === "mismatch") {
      counters.idempotencyConflicts++;
      return { status: 422, body: { error: "idempotency_key_reused", message: "this Idempotency-Key was used with a different request" } };
    }
    if (seen.kind === "replay") {
      counters.idempotentReplays++;
      return { ...seen.value, headers: { "idempotent-replayed": "true" } };
    }
    const reply = apply();
    idempotency.remember(opts.apiKey, key.data, print, { status: reply.status, body: reply.body });
    return reply;
  };

  const stats = (): MarketplaceStats => ({ ...counters, notifications: { ...notifier.stats }, fulfillment: fulfillment ? { ...fulfillment.stats } : null });
  const listings = (): Record<string, number> => Object.fromEntries([...market.allListings()].map(([sku, l]) => [sku, l.quantity]));
  const idle = async (): Promise<void> => {
    await Promise.all([notifier.idle(), fulfillment?.idle()]);
  };

  const server = await serveEmulator({
    name: "marketplace emulator",
    listen: opts,
    persistence,
    routes: {
      // ---- seller API
      "POST /v1/inventory/adjustments": seller(async (ctx) => {
        const body = await ctx.json(adjustmentsSchema);
        return idempotent(ctx, "POST /v1/inventory/adjustments", body, () => {
          const items = market.adjust(body.items);
          counters.adjustments++;
          counters.adjustedItems += items.length;
          counters.clampedItems += items.filter((i) => i.applied !== i.delta).length;
          return { status: 200, body: { items } };
        });
      }),
      "PUT /v1/inventory/:sku": seller(async (ctx) => {
        const sku = skuSchema.safeParse(ctx.params.sku);
        if (!sku.success) throw new HttpError(400, `sku: ${sku.error.issues[0]?.message ?? "invalid"}`);
        const body = await ctx.json(setQuantitySchema);
        return idempotent(ctx, `PUT /v1/inventory/${sku.data}`, body, () => {
          const result = market.compareAndSet(sku.data, body.quantity, body.expectedQuantity);
          if (!result.ok) {
            counters.staleSets++;
            return { status: 409, body: { error: "stale", current: result.current } };
          }
          counters.absoluteSets++;
          return { status: 200, body: { sku: result.sku, quantity: result.quantity, updatedAt: result.updatedAt } };
        });
      }),
      "GET /v1/inventory": seller((ctx) => {
        const asked = ctx.query.getAll("sku");
        if (asked.length > MAX_INVENTORY_QUERY) throw new HttpError(400, `at most ${MAX_INVENTORY_QUERY} sku parameters`);
        const bad = asked.find((s) => !skuSchema.safeParse(s).success);
        if (bad !== undefined) throw new HttpError(400, `sku: invalid ${JSON.stringify(bad)}`);
        // A SKU asked for by name but never listed is reported at 0 (what buyers see).
        const skus = asked.length > 0 ? [...new Set(asked)] : [...market.allListings().keys()];
        const items = skus.map((sku) => {
          const listing = market.listing(sku);
          return { sku, quantity: listing?.quantity ?? 0, updatedAt: listing?.updatedAt ?? null };
        });
        return { status: 200, body: { items } };
      }),
      "GET /v1/orders": seller((ctx) => {
        const raw = ctx.query.get("since");
        let since: number | undefined;
        if (raw !== null) {
          const parsed = sinceSchema.safeParse(raw);
          if (!parsed.success) throw new HttpError(400, "since: must be an ISO 8601 date-time");
          since = Date.parse(parsed.data);
        }
        const { orders, hasMore } = market.ordersSince(since, FEED_LIMIT);
        return { status: 200, body: { orders, hasMore } };
      }),

      // ---- buyers
      "POST /_emulator/purchase": async (ctx) => {
        const { sku, quantity, priceCents } = await ctx.json(purchaseSchema);
        const result = purchase(sku, quantity, priceCents);
        if (!result.ok) return sendJson(ctx.res, 409, { error: "out_of_stock", listing: result.listing });
        return sendJson(ctx.res, 201, { order: result.order, listing: market.quantity(sku) });
      },
      "POST /_emulator/orders/:id/cancel": (ctx) => {
        const order = market.cancel(ctx.params.id ?? "");
        counters.cancellations++;
        notify("order.cancelled", order);
        fulfillment?.cancel(`marketplace:${order.id}`, true);
        return { order, listings: Object.fromEntries(order.lines.map((l) => [l.sku, market.quantity(l.sku)])) };
      },
      "POST /_emulator/buyers": async (ctx) => {
        const { ratePerSecond, skus } = await ctx.json(buyersSchema);
        buyers.start(ratePerSecond, skus);
        return buyers.status();
      },
      "GET /_emulator/buyers": () => buyers.status(),

      // ---- control
      "POST /_emulator/listings": async (ctx) => {
        const body = await ctx.json(setListingsSchema);
        for (const { sku, quantity } of "items" in body ? body.items : [body]) market.set(sku, quantity);
        return listings();
      },
      "GET /_emulator/listings": () => listings(),
      /** Every listing change since `?since=` (epoch ms), with its cause: what a load run replays. */
      "GET /_emulator/listing-log": (ctx) => ({ changes: market.changes(Number(ctx.query.get("since") ?? 0) || 0) }),
      "GET /_emulator/orders": () => ({ orders: market.allOrders() }),
      "GET /_emulator/webhook-acks": () => ({ ackMs: notifier.ackTimes() }),
      "GET /_emulator/stats": () => stats(),
      "POST /_emulator/rate-limit": async (ctx) => {
        limiter.configure(await ctx.json(rateLimitSchema));
        return limiter.limit;
      },
      "POST /_emulator/faults": async (ctx) => {
        faults = await ctx.json(faultsSchema);
        return faults;
      },
      "POST /_emulator/idle": async () => {
        await idle();
        return stats();
      },
    },
  });

  log.info("marketplace_emulator.started", { url: server.url, webhook: opts.webhook.url, fulfillment: opts.fulfillmentUrl ?? null, resumed: saved !== null });
  return {
    url: server.url,
    stats,
    listings,
    idle,
    stop: async () => {
      persistence.close();
      buyers.stop();
      notifier.stop();
      fulfillment?.stop();
      await server.stop();
    },
  };
}
