import type { Policy } from "../config/policy";
import type { StockContext } from "../context";
import type { Channel } from "../domain/events";
import { erpAdapter } from "./erp-adapter";
import { marketplaceAdapter } from "./marketplace-adapter";
import { shopifyAdapter } from "./shopify-adapter";
import type { ChannelAdapter } from "./types";

/**
 * The channels we write to: configured in env and present in the policy. A channel switched
 * off in Edge Config (the kill switch) still collects dirty SKUs; only its flush stops, so
 * switching it back on catches up.
 */
export function writableChannels({ redis, clients: { shopify, marketplace, erp } }: Pick<StockContext, "redis" | "clients">, policy: Policy): ChannelAdapter[] {
  const adapters: ChannelAdapter[] = [];
  if (shopify) adapters.push(shopifyAdapter(shopify, redis, policy));
  if (marketplace) adapters.push(marketplaceAdapter(marketplace));
  if (erp) adapters.push(erpAdapter(erp));
  return adapters.filter((a) => policy.channels[a.channel] !== undefined);
}

export const writableChannelIds = (ctx: Pick<StockContext, "redis" | "clients">, policy: Policy): Channel[] =>
  writableChannels(ctx, policy).map((a) => a.channel);
