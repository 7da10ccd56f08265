import { z } from "zod";
import { channelPrefix } from "@/emulators/wms/schemas";
import type { ChannelChange } from "./truth";

/**
 * Reads from the emulated world after (and during) a run: the warehouse's short picks, each
 * channel's change log, Shopify's counters, webhook ack times. zod at this edge too: a changed
 * emulator fails loudly here rather than skewing a report.
 */
export const getJson = async <T>(url: string, schema: z.ZodType<T>, init?: RequestInit): Promise<T> => {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url} → ${response.status}`);
  return schema.parse(await response.json());
};
export const postJson = (url: string, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.arrayBuffer());

const wmsOrdersSchema = z.object({
  orders: z.array(
    z.object({
      orderId: z.string(),
      channel: z.string().optional(),
      receivedAt: z.string(),
      status: z.string(),
      lines: z.array(
        z.object({ lineId: z.string(), sku: z.string(), quantity: z.number(), short: z.number(), status: z.string(), pickedAt: z.string().optional() }),
      ),
    }),
  ),
});

export interface ShortLine {
  orderId: string;
  channel: string;
  sku: string;
  units: number;
  receivedAt: number;
  pickedAt: number;
}

export async function shortLines(wms: string): Promise<ShortLine[]> {
  const { orders } = await getJson(`${wms}/_emulator/orders?status=short`, wmsOrdersSchema);
  return orders.flatMap((order) =>
    order.lines
      .filter((l) => l.short > 0)
      .map((l) => ({
        orderId: order.orderId,
        channel: order.channel ?? channelPrefix(order.orderId) ?? "unknown",
        sku: l.sku,
        units: l.short,
        receivedAt: Date.parse(order.receivedAt),
        pickedAt: Date.parse(l.pickedAt ?? order.receivedAt),
      })),
  );
}

export async function openOrderCount(wms: string): Promise<number> {
  return (await getJson(`${wms}/_emulator/orders?status=open`, wmsOrdersSchema)).orders.length;
}

const inventoryLogSchema = z.object({
  changes: z.array(z.object({ at: z.number(), sku: z.string(), locationId: z.string(), available: z.number(), cause: z.string() })),
});
const listingLogSchema = z.object({ changes: z.array(z.object({ at: z.number(), sku: z.string(), quantity: z.number(), cause: z.string() })) });

/** What each channel offered over time, and when a sync (not a buyer) wrote it. */
export async function channelLogs(
  shopify: string,
  marketplace: string,
): Promise<{
  shopify: ChannelChange[];
  marketplace: ChannelChange[];
  syncWrites: { shopify: { at: number; sku: string }[]; marketplace: { at: number; sku: string }[] };
}> {
  const [inventory, listings] = await Promise.all([
    getJson(`${shopify}/_emulator/inventory-log`, inventoryLogSchema),
    getJson(`${marketplace}/_emulator/listing-log`, listingLogSchema),
  ]);
  return {
    shopify: inventory.changes.map((c) => ({ at: c.at, sku: c.sku, key: c.locationId, value: c.available })),
    marketplace: listings.changes.map((c) => ({ at: c.at, sku: c.sku, key: "listing", value: c.quantity })),
    syncWrites: {
      shopify: inventory.changes.filter((c) => c.cause === "admin").map((c) => ({ at: c.at, sku: c.sku })),
      marketplace: listings.changes.filter((c) => c.cause === "seller").map((c) => ({ at: c.at, sku: c.sku })),
    },
  };
}

const shopifyStatsSchema = z.object({
  adminRequests: z.number(),
  mutationsApplied: z.number(),
  throttled: z.number(),
  peakBucketUsage: z.number(),
  bucket: z.object({ maximumAvailable: z.number() }).passthrough(),
});

export async function shopifyStats(shopify: string) {
  const stats = await getJson(`${shopify}/_emulator/stats`, shopifyStatsSchema);
  return {
    adminCalls: stats.adminRequests,
    mutations: stats.mutationsApplied,
    throttled: stats.throttled,
    peakBucket: stats.peakBucketUsage,
    bucketSize: stats.bucket.maximumAvailable,
  };
}

const acksSchema = z.object({ ackMs: z.array(z.number()) });

/** Every webhook ack time the emulators measured, per emulator (to slice off what came before the sale). */
export async function webhookAcks(urls: readonly string[]): Promise<number[][]> {
  return Promise.all(urls.map(async (url) => (await getJson(`${url}/_emulator/webhook-acks`, acksSchema)).ackMs));
}

const storefrontSchema = z.object({
  data: z.object({
    products: z.object({ nodes: z.array(z.object({ variants: z.object({ nodes: z.array(z.object({ id: z.string(), sku: z.string().nullable() })) }) })) }),
  }),
});
const cartSchema = z.object({ data: z.object({ cart: z.object({ checkoutUrl: z.string() }).nullable() }) });

/** The Storefront API, as a headless store calls it (variant ids for URLs; a cart's checkout URL). */
export function storefront(shopify: string, token: string) {
  const query = <T>(document: string, variables: Record<string, unknown>, schema: z.ZodType<T>) =>
    getJson(`${shopify}/api/2026-04/graphql.json`, schema, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-storefront-access-token": token },
      body: JSON.stringify({ query: document, variables }),
    });
  return {
    async variantIds(): Promise<Map<string, string>> {
      const json = await query(`{ products(first: 100) { nodes { variants(first: 100) { nodes { id sku } } } } }`, {}, storefrontSchema);
      return new Map(
        json.data.products.nodes.flatMap((p) => p.variants.nodes.flatMap((v) => (v.sku ? [[v.sku, v.id.split("/").pop()!] as [string, string]] : []))),
      );
    },
    async checkoutUrl(cartId: string): Promise<string> {
      const json = await query(`query Cart($id: ID!) { cart(id: $id) { checkoutUrl } }`, { id: cartId }, cartSchema);
      if (!json.data.cart) throw new Error("the cart is gone");
      return json.data.cart.checkoutUrl;
    },
  };
}
