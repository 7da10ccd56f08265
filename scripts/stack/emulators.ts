import path from "node:path";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import type { Policy } from "@/lib/config/policy";
import { startErpEmulator } from "@/emulators/erp";
import { startMarketplaceEmulator } from "@/emulators/marketplace";
import { startPosEmulator } from "@/emulators/pos";
import type { DeliveryProfile } from "@/emulators/shared/webhook-sender";
import { startShopifyEmulator } from "@/emulators/shopify";
import { startWmsEmulator } from "@/emulators/wms";
import type { Lag } from "@/emulators/wms/warehouse";
import type { StackSecrets } from "./secrets";
import { seedStock } from "./seed";

/**
 * The commerce world around the app, on loopback: Shopify, the WMS (physical truth), the
 * marketplace, the store POS and the ERP. Returns the env that points the app at them.
 */
export interface EmulatorPorts {
  shopify: number;
  wms: number;
  marketplace: number;
  pos: number;
  erp: number;
}

export interface RunningEmulators {
  urls: Record<keyof EmulatorPorts, string>;
  appEnv: Record<string, string>;
  stop(): Promise<void>;
}

export const SHOP_DOMAIN = "northwind-demo.myshopify.com";

/** How the world behaves: the demo's defaults, or a load scenario's (the flash-sale harness). */
export interface WorldOptions {
  /** Physical stock per SKU per location (default: the demo seed). */
  stock?: Record<string, Record<string, number>>;
  /** Webhook lag, duplicates and reordering of Shopify (and of the marketplace unless it has its own). */
  delivery?: DeliveryProfile;
  marketplaceDelivery?: DeliveryProfile;
  posBatchEveryMs?: number;
  pickingLagMs?: Lag;
  /** Where the emulators post their webhooks (default: the app). */
  webhookBaseUrl?: string;
  /** Seeded randomness for repeatable runs. */
  random?: () => number;
}

/** `stateDir`: each emulator keeps its world in `<stateDir>/<name>.json` and resumes it on the next start. */
export async function startEmulators(
  opts: { appUrl: string; secrets: StackSecrets; ports: EmulatorPorts; policy: Policy; stateDir?: string } & WorldOptions,
): Promise<RunningEmulators> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const locations = Object.keys(opts.policy.locations);
    const stateFile = (name: keyof EmulatorPorts) => (opts.stateDir ? { stateFile: path.join(opts.stateDir, `${name}.json`) } : {});
    const hooks = opts.webhookBaseUrl ?? opts.appUrl;
    const random = opts.random ? { random: opts.random } : {};
    const wms = await startWmsEmulator({
      port: opts.ports.wms,
      webhook: { url: `${hooks}/api/webhooks/wms`, secret: opts.secrets.wmsWebhookSecret },
      locations,
      initialStock: opts.stock ?? seedStock(),
      picking: { lagMs: opts.pickingLagMs ?? { min: 2_000, max: 8_000 } },
      ...stateFile("wms"),
      ...random,
    });
    stops.push(() => wms.stop());
    const fulfillmentUrl = `${wms.url}/orders`;

    const shopify = await startShopifyEmulator({
      port: opts.ports.shopify,
      shopDomain: SHOP_DOMAIN,
      adminAccessToken: opts.secrets.shopifyAdminToken,
      clientCredentials: { clientId: opts.secrets.shopifyClientId, clientSecret: opts.secrets.shopifyClientSecret },
      storefrontAccessToken: opts.secrets.shopifyStorefrontToken,
      webhook: { url: `${hooks}/api/webhooks/shopify`, secret: opts.secrets.shopifyWebhookSecret, ...(opts.delivery ? { delivery: opts.delivery } : {}) },
      catalog: demoCatalog,
      locations: Object.entries(opts.policy.locations).flatMap(([id, l]) => (l.shopifyLocationId ? [{ id, gid: l.shopifyLocationId, name: l.name }] : [])),
      fulfillmentUrl,
      storefrontUrl: opts.appUrl,
      // The demo store's app is a custom app with Level 2 protected customer data configured
      // (https://shopify.dev/docs/apps/launch/protected-customer-data); the emulator's default is redacted.
      protectedCustomerData: true,
      ...stateFile("shopify"),
      ...random,
    });
    stops.push(() => shopify.stop());

    const marketplace = await startMarketplaceEmulator({
      port: opts.ports.marketplace,
      apiKey: opts.secrets.marketplaceApiKey,
      webhook: {
        url: `${hooks}/api/webhooks/marketplace`,
        secret: opts.secrets.marketplaceWebhookSecret,
        ...((opts.marketplaceDelivery ?? opts.delivery) ? { delivery: opts.marketplaceDelivery ?? opts.delivery } : {}),
      },
      fulfillmentUrl,
      ...stateFile("marketplace"),
      ...random,
    });
    stops.push(() => marketplace.stop());

    const posLocation = opts.policy.channels.pos?.locations[0] ?? locations[0] ?? "wh-east";
    const pos = await startPosEmulator({
      port: opts.ports.pos,
      webhook: { url: `${hooks}/api/webhooks/pos`, secret: opts.secrets.posWebhookSecret },
      locationId: posLocation,
      batchEveryMs: opts.posBatchEveryMs ?? 30_000,
      fulfillmentUrl,
      ...stateFile("pos"),
      ...random,
    });
    stops.push(() => pos.stop());

    const erp = await startErpEmulator({ port: opts.ports.erp, apiKey: opts.secrets.erpApiKey, ...stateFile("erp") });
    stops.push(() => erp.stop());

    return {
      urls: { shopify: shopify.url, wms: wms.url, marketplace: marketplace.url, pos: pos.url, erp: erp.url },
      appEnv: {
        SHOPIFY_STORE_DOMAIN: SHOP_DOMAIN,
        // Client credentials by default, so every stack run lives with expiring tokens (the static token stays valid at the emulator).
        SHOPIFY_CLIENT_ID: opts.secrets.shopifyClientId,
        SHOPIFY_CLIENT_SECRET: opts.secrets.shopifyClientSecret,
        SHOPIFY_ADMIN_API_URL: shopify.url,
        SHOPIFY_STOREFRONT_ACCESS_TOKEN: opts.secrets.shopifyStorefrontToken,
        SHOPIFY_STOREFRONT_API_URL: shopify.url,
        MARKETPLACE_API_URL: marketplace.url,
        MARKETPLACE_API_KEY: opts.secrets.marketplaceApiKey,
        ERP_API_URL: erp.url,
        ERP_API_KEY: opts.secrets.erpApiKey,
      },
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
