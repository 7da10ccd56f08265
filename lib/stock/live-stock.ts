import type { Redis } from "@upstash/redis";
import type { PolicySource } from "../config/edge-config";
import { readSnapshots } from "../redis/projection-store";
import { stockResponse, type StockResponse } from "./stock-view";

/** Where a stock read comes from: the database and the policy (a `StockContext` is one). */
export interface StockSource {
  redis: Redis;
  policy: PolicySource;
}

/** The storefront channel's live stock for some SKUs: one Redis round trip, policy from memory. */
export async function readLiveStock(source: StockSource, skus: readonly string[], now = new Date()): Promise<StockResponse> {
  const [policy, snapshots] = await Promise.all([source.policy(), readSnapshots(source.redis, [...skus])]);
  return stockResponse(snapshots, policy, now);
}
