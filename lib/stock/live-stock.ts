import { getPolicy } from "../config/edge-config";
import { getRedis } from "../redis/client";
import { readSnapshots } from "../redis/projection-store";
import { stockResponse, type StockResponse } from "./stock-view";

/** The storefront channel's live stock for some SKUs: one Redis round trip, policy from memory. */
export async function readLiveStock(skus: readonly string[], now = new Date()): Promise<StockResponse> {
  const [policy, snapshots] = await Promise.all([getPolicy(), readSnapshots(getRedis(), [...skus])]);
  return stockResponse(snapshots, policy, now);
}
