import type { Redis } from "@upstash/redis";
import { createPolicySource, getPolicy, type PolicySource } from "./config/edge-config";
import { erpClientFromEnv, type ErpClient } from "./erp/client";
import { marketplaceClientFromEnv, type MarketplaceClient } from "./marketplace/client";
import { getRedis, redisFromEnv } from "./redis/client";
import { shopifyAdminFromEnv, type ShopifyAdmin } from "./shopify/admin-client";

/**
 * Everything a worker run needs from the outside, passed in rather than fetched from module
 * state: the database, the policy, the vendor clients (null when a system is not configured)
 * and the clock. Routes and crons use this process's context; tests and benchmarks build one
 * for the stack they started, so nothing global is switched or reset between them.
 */
export interface StockContext {
  redis: Redis;
  policy: PolicySource;
  clients: Clients;
  /** ms since the epoch. */
  now: () => number;
}

export interface Clients {
  shopify: ShopifyAdmin | null;
  marketplace: MarketplaceClient | null;
  erp: ErpClient | null;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `redis` shares Shopify's bought access token between instances (lib/shopify/access-token.ts). */
export const clientsFromEnv = (env: Env, redis: Redis | null = null): Clients => ({
  shopify: shopifyAdminFromEnv(env, redis),
  marketplace: marketplaceClientFromEnv(env),
  erp: erpClientFromEnv(env),
});

/** A context for the systems `env` names; `parts` replace any piece (a fake clock, a client with faults). */
export function createStockContext(env: Env, parts: Partial<StockContext> = {}): StockContext {
  const redis = parts.redis ?? redisFromEnv(env);
  return {
    redis,
    policy: parts.policy ?? createPolicySource(env.EDGE_CONFIG),
    clients: parts.clients ?? clientsFromEnv(env, redis),
    now: parts.now ?? Date.now,
  };
}

let processContext: StockContext | undefined;

/** This process's context (its env), built on first use: what routes, crons and `after()` run with. */
export const stockContext = (): StockContext =>
  (processContext ??= { redis: getRedis(), policy: getPolicy, clients: clientsFromEnv(process.env, getRedis()), now: Date.now });
