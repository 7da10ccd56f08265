import { z } from "zod";
import type { Catalog } from "../../lib/catalog/demo-catalog";
import { errorMessage, log } from "../../lib/log";
import { HttpError, startJsonServer } from "../shared/http";
import { IdempotencyStore } from "../shared/idempotency-store";
import { inMemory, loadStateFile, persistTo, StateFileError } from "../shared/state-file";
import { immediateDelivery, WebhookSender, type DeliveryProfile } from "../shared/webhook-sender";
import { ADMIN_API_VERSION, adminGraphqlHandler } from "./admin-graphql";
import { adminRootValue } from "./admin-resolvers";
import { CartBook } from "./cart-book";
import { controlRoutes, loopbackOnly } from "./control-api";
import { DiscountBook } from "./discounts";
import { hostedCheckoutRoutes } from "./hosted-checkout";
import { noFaults } from "./faults";
import { KEY_CAP } from "./idempotency";
import { replayPayload } from "./idempotent-replay";
import { IdSequence } from "./ids";
import { InventoryState } from "./inventory-state";
import { LeakyBucket, STANDARD_PLAN, type Plan } from "./leaky-bucket";
import { AccessTokens, DEFAULT_TOKEN_LIFETIME_S, oauthControlRoutes, oauthRoutes, type ClientCredentials } from "./oauth";
import { OrderBook } from "./orders";
import { SaveGate } from "./save-gate";
import { restoreShop, resumeDeliveries, savedShopSchema, snapshotShop } from "./saved-state";
import { adminSchema, storefrontSchema } from "./schemas";
import { ShopCatalog } from "./shop-catalog";
import type { ShopState } from "./shop-state";
import { EmulatorStats } from "./stats";
import { storefrontHandler, storefrontRootValue } from "./storefront";
import { ShopifyWebhooks } from "./webhooks";

/**
 * A Shopify shop on loopback for the demo, the tests and load runs: Admin GraphQL against the
 * real 2026-10 schema (inventory reads and writes with the 2026-04+ rules, orders,
 * refundCreate and code discounts, cost-based throttling), the Storefront API subset the storefront reads, a checkout that enforces
 * Shopify's per-location `available`, and signed webhooks delivered at least once.
 */
export interface ShopifyEmulatorOptions {
  port: number;
  host?: string;
  shopDomain: string;
  /** A legacy custom app's static `shpat_` token (valid for ever). */
  adminAccessToken: string;
  /** A Dev Dashboard app installed on the shop: its client credentials buy expiring tokens (oauth.ts). */
  clientCredentials?: ClientCredentials;
  storefrontAccessToken: string;
  webhook: { url: string; secret: string; delivery?: DeliveryProfile };
  plan?: Plan;
  catalog: Catalog;
  /** Our ids ↔ Shopify gids, in routing priority order. */
  locations: { id: string; gid: string; name: string }[];
  initialAvailable?: Record<string, Record<string, number>>;
  /** POST each new order's lines here (the WMS emulator's /orders). */
  fulfillmentUrl?: string;
  /** The headless storefront's origin: checkout links back to its cart. */
  storefrontUrl?: string;
  random?: () => number;
  /** The cost bucket's clock (ms); tests pass a manual one so throttling does not depend on the machine's speed. */
  bucketClock?: () => number;
  /**
   * Keep the shop in this file and resume it on the next start (saved-state.ts says what it
   * holds); the catalog and initialAvailable options then only seed a first start. Absent: the
   * shop lives in memory only and nothing is written.
   */
  stateFile?: string;
  /**
   * Grant the app Level 2 protected customer data (name, email, phone, address). Default false:
   * redacted, as for an app without approval (protected-data.ts); also `POST /_emulator/protected-customer-data`.
   */
  protectedCustomerData?: boolean;
  /**
   * Grant the Storefront token `unauthenticated_read_product_inventory`. Default false: the
   * quantity fields (`quantityAvailable`, `totalInventory`) answer ACCESS_DENIED (storefront-objects.ts).
   */
  storefrontInventoryScope?: boolean;
}

export interface ShopifyEmulator {
  url: string;
  adminGraphqlUrl: string;
  storefrontGraphqlUrl: string;
  sender: WebhookSender;
  stop(): Promise<void>;
}

export { ADMIN_API_VERSION };
export const ADMIN_GRAPHQL_PATH = `/admin/api/${ADMIN_API_VERSION}/graphql.json`;
export const STOREFRONT_GRAPHQL_PATH = `/api/${ADMIN_API_VERSION}/graphql.json`;
/** Storefront versions served (one schema: the one hydrogen-react ships). */
const STOREFRONT_VERSIONS = new Set(["2026-04", "2026-07", ADMIN_API_VERSION]);

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535),
  shopDomain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "expected <name>.myshopify.com"),
  adminAccessToken: z.string().min(1),
  clientCredentials: z
    .object({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      tokenLifetimeSeconds: z.number().int().min(1).max(DEFAULT_TOKEN_LIFETIME_S).optional(),
    })
    .optional(),
  storefrontAccessToken: z.string().min(1),
  webhook: z.object({ url: z.url(), secret: z.string().min(1) }),
  plan: z.object({ restoreRate: z.number().positive(), bucketSize: z.number().positive() }).optional(),
  fulfillmentUrl: z.url().optional(),
  storefrontUrl: z.url().optional(),
});

export async function startShopifyEmulator(opts: ShopifyEmulatorOptions): Promise<ShopifyEmulator> {
  optionsSchema.parse(opts);
  const random = opts.random ?? Math.random;
  const now = Date.now;
  const startedAt = now();
  const saved = opts.stateFile ? loadStateFile(opts.stateFile, savedShopSchema) : null;
  // A resumed shop's catalog comes from its file (products created and deleted since included).
  const catalog = new ShopCatalog(saved ? { ...opts.catalog, products: [] } : opts.catalog, opts.locations, startedAt);
  const initialAvailable = saved ? {} : opts.initialAvailable;
  const unknownSkus = Object.keys(initialAvailable ?? {}).filter((sku) => !catalog.variantBySku(sku));
  const unknownLocations = Object.values(initialAvailable ?? {}).flatMap((perLocation) => Object.keys(perLocation).filter((id) => !catalog.locationById(id)));
  if (unknownSkus.length || unknownLocations.length)
    throw new Error(
      `initialAvailable names unknown ${unknownSkus.length ? `skus ${unknownSkus.join(", ")}` : `locations ${[...new Set(unknownLocations)].join(", ")}`}`,
    );
  // The snapshot reads the shop built below; nothing is written before it is whole.
  const persistence = opts.stateFile ? persistTo(opts.stateFile, () => snapshotShop(shop)) : inMemory;
  const sender = new WebhookSender(opts.webhook.delivery ?? immediateDelivery, random);
  const fulfillmentSender = opts.fulfillmentUrl ? new WebhookSender({ ...immediateDelivery }, random) : null;
  // Timer-driven changes (a delivery acknowledged, a retry scheduled) are saved right after.
  sender.onChange = persistence.saveSoon;
  if (fulfillmentSender) fulfillmentSender.onChange = persistence.saveSoon;
  const seq = (start: number) => new IdSequence(start, random);
  const shop: ShopState = {
    shopDomain: opts.shopDomain,
    shopName: opts.shopDomain
      .replace(/\.myshopify\.com$/, "")
      .replace(/-/g, " ")
      .replace(/\b\w/g, (c) => c.toUpperCase()),
    adminAccessToken: opts.adminAccessToken,
    accessTokens: opts.clientCredentials
      ? new AccessTokens(
          opts.clientCredentials.clientId,
          opts.clientCredentials.clientSecret,
          opts.clientCredentials.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_S,
          now,
        )
      : null,
    storefrontAccessToken: opts.storefrontAccessToken,
    catalog,
    inventory: new InventoryState(
      catalog.skus(),
      catalog.locations.map((l) => l.id),
      initialAvailable,
      startedAt,
    ),
    orders: new OrderBook(),
    carts: new CartBook(() => shop),
    discounts: new DiscountBook(random),
    publicUrl: "",
    storefrontUrl: opts.storefrontUrl?.replace(/\/$/, "") ?? null,
    bucket: new LeakyBucket(opts.plan ?? STANDARD_PLAN, opts.bucketClock),
    idempotency: new IdempotencyStore({ revive: (replay) => replayPayload(shop, replay), maxKeys: KEY_CAP, now }),
    stats: new EmulatorStats(),
    webhooks: new ShopifyWebhooks(sender, { url: opts.webhook.url, secret: opts.webhook.secret, shopDomain: opts.shopDomain }, random),
    fulfillment: fulfillmentSender && opts.fulfillmentUrl ? { sender: fulfillmentSender, url: opts.fulfillmentUrl, secret: opts.webhook.secret } : null,
    faults: noFaults(),
    protectedCustomerData: opts.protectedCustomerData ?? false,
    storefrontInventoryScope: opts.storefrontInventoryScope ?? false,
    ids: {
      order: seq(6_524_199_000_000),
      lineItem: seq(16_138_219_000_000),
      refund: seq(1_009_817_000_000),
      refundLine: seq(681_023_000_000),
      transaction: seq(8_413_155_000_000),
      customer: seq(8_012_346_000_000),
      address: seq(9_874_512_000_000),
      checkout: seq(39_877_412_000_000),
      shippingLine: seq(5_012_266_000_000),
      adjustmentGroup: seq(30_467_000_000),
    },
    saves: new SaveGate(persistence),
    random,
    now,
  };
  if (saved && opts.stateFile) {
    try {
      restoreShop(shop, saved);
    } catch (error) {
      // The checksum held, yet the parts do not fit together: as unusable as a torn file.
      throw new StateFileError(opts.stateFile, errorMessage(error));
    }
  }
  const storefront = storefrontHandler(shop, storefrontSchema(), storefrontRootValue(shop));
  const server = await startJsonServer({
    name: "shopify emulator",
    port: opts.port,
    host: opts.host,
    routes: {
      [`POST ${ADMIN_GRAPHQL_PATH}`]: adminGraphqlHandler(shop, adminSchema(), adminRootValue(shop)),
      "POST /api/:version/graphql.json": (ctx) => {
        if (!STOREFRONT_VERSIONS.has(ctx.params.version ?? "")) throw new HttpError(404, `Storefront API version ${ctx.params.version} is not supported`);
        return storefront(ctx);
      },
      ...hostedCheckoutRoutes(shop),
      ...oauthRoutes(shop.accessTokens),
      ...controlRoutes(shop),
      ...Object.fromEntries(Object.entries(oauthControlRoutes(shop.accessTokens)).map(([key, handler]) => [key, loopbackOnly(handler)])),
    },
    beforeRespond: shop.saves.beforeRespond,
  });
  shop.publicUrl = server.url;
  if (saved) {
    resumeDeliveries(shop, saved);
    if (!shop.fulfillment && saved.fulfillment.length > 0)
      log.warn("shopify_emulator.forwards_dropped", { count: saved.fulfillment.length, reason: "no fulfillmentUrl" });
  }
  // From here the file holds this shop, also when nothing changes before the next start.
  persistence.saveNow();
  log.info("shopify_emulator.started", {
    url: server.url,
    shop: opts.shopDomain,
    skus: catalog.variants.length,
    locations: catalog.locations.length,
    resumed: saved !== null,
    orders: shop.orders.size,
  });
  return {
    url: server.url,
    adminGraphqlUrl: `${server.url}${ADMIN_GRAPHQL_PATH}`,
    storefrontGraphqlUrl: `${server.url}${STOREFRONT_GRAPHQL_PATH}`,
    sender,
    stop: async () => {
      // The last write first: what the senders had not delivered is in it.
      persistence.close();
      sender.stop();
      fulfillmentSender?.stop();
      await server.stop();
      log.info("shopify_emulator.stopped", { url: server.url });
    },
  };
}
