import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Catalog } from "@/lib/catalog/demo-catalog";
import { createPolicySource } from "@/lib/config/edge-config";
import { createStockContext, type StockContext } from "@/lib/context";
import { startMarketplaceEmulator } from "@/emulators/marketplace";
import { startShopifyEmulator } from "@/emulators/shopify";
import { startEdgeConfigServer } from "@/harness/edge-config-server";
import { freePort } from "@/harness/ports";
import { startRedisServer } from "@/harness/redis-server";
import { startUpstashBridge } from "@/harness/upstash-bridge";

/**
 * Real redis-server + bridge + Edge Config server + Shopify and marketplace emulators, with
 * the app's env pointed at them, for tests that drive the workers in-process at scale.
 */
export function loadCatalog(products: number, variantsPerProduct: number): Catalog {
  return {
    currency: "USD",
    locations: ["wh-east", "wh-west"],
    products: Array.from({ length: products }, (_, p) => ({
      handle: `load-${p}`,
      title: `Load product ${p}`,
      description: "generated",
      image: "/products/classic-tee.svg",
      imageAlt: "generated",
      color: "#000000",
      variants: Array.from({ length: variantsPerProduct }, (_, v) => ({ sku: `LOAD-${p}-${v}`, title: `V${v}`, priceCents: 1000, options: { Size: `V${v}` } })),
    })),
  };
}

/** A seeded [0, 1) source: the emulators' injected faults repeat from run to run. */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => (rng.next() >>> 0) / 2 ** 32;
}

/**
 * `shopifyWebhook`: where the Shopify emulator sends its webhooks (default: nowhere).
 * `extraLocations`: Shopify locations the policy does not know (a shop's pop-ups and stores), listed first.
 */
export async function startChannelWorld(
  catalog: Catalog,
  seed = 20261127,
  extraEnv: Record<string, string> = {},
  options: { shopifyWebhook?: { url: string; secret: string }; extraLocations?: { id: string; gid: string; name: string }[] } = {},
) {
  const root = path.resolve(import.meta.dirname, "..");
  const dir = mkdtempSync(path.join(os.tmpdir(), "channel-world-"));
  const policyFile = path.join(dir, "edge-config.json");
  copyFileSync(path.join(root, "scripts", "stack", "edge-config.json"), policyFile);
  const token = "bridge-token-for-tests-0123456789";
  const redis = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendFsync: "everysec" });
  const bridge = await startUpstashBridge({ redisUrl: redis.url, token, port: await freePort() });
  const edge = await startEdgeConfigServer({ port: await freePort(), token: "edge-config-token-0123456789", file: policyFile });
  const nowhere = `http://127.0.0.1:${await freePort()}/nowhere`;
  const shopify = await startShopifyEmulator({
    port: await freePort(),
    shopDomain: "load-test.myshopify.com",
    adminAccessToken: "shpat_load_test_token",
    // The app uses the client-credentials grant by default, so every world runs on expiring tokens.
    clientCredentials: { clientId: "load-test-client-id", clientSecret: "load-test-client-secret-0123456789" },
    storefrontAccessToken: "storefront-load-token",
    webhook: options.shopifyWebhook ?? { url: nowhere, secret: "unused-secret-0123456789" },
    catalog,
    random: seededRandom(seed),
    locations: [
      ...(options.extraLocations ?? []),
      { id: "wh-east", gid: "gid://shopify/Location/71001", name: "East" },
      { id: "wh-west", gid: "gid://shopify/Location/71002", name: "West" },
    ],
  });
  const marketplace = await startMarketplaceEmulator({
    port: await freePort(),
    apiKey: "marketplace-key-0123456789",
    random: seededRandom(seed + 1),
    webhook: { url: nowhere, secret: "unused-secret-0123456789" },
  });
  // The stack's own context: nothing global is set, so worlds in one process never see each other.
  const env = {
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: token,
    EDGE_CONFIG: edge.connectionString,
    SHOPIFY_STORE_DOMAIN: "load-test.myshopify.com",
    SHOPIFY_CLIENT_ID: "load-test-client-id",
    SHOPIFY_CLIENT_SECRET: "load-test-client-secret-0123456789",
    SHOPIFY_ADMIN_API_URL: shopify.url,
    MARKETPLACE_API_URL: marketplace.url,
    MARKETPLACE_API_KEY: "marketplace-key-0123456789",
    ...extraEnv,
  };
  // Tests edit the policy file and expect the next run to see it: read Edge Config on every call (no cache).
  const policy = () => createPolicySource(env.EDGE_CONFIG)();
  const ctx = createStockContext(env, { policy });
  return {
    env,
    ctx,
    /** A context on this world with other parts (a fake clock, a policy re-read at once, clients with faults). */
    context: (parts: Partial<StockContext> = {}) => createStockContext(env, { redis: ctx.redis, policy, clients: ctx.clients, ...parts }),
    shopify,
    marketplace,
    policyFile,
    stop: async () => {
      for (const stop of [() => marketplace.stop(), () => shopify.stop(), () => edge.stop(), () => bridge.stop(), () => redis.stop()])
        await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
