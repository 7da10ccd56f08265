import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writableChannels } from "@/lib/channels/registry";
import type { StockEvent } from "@/lib/domain/events";
import { dirtyCount, listInflight } from "@/lib/redis/channel-store";
import { enqueueDelivery, queueLength } from "@/lib/redis/intake-queue";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * I6 on the event path: whatever the events (counts, picks, own sales, refunds), the flush
 * writes to Shopify only as relative deltas — `inventoryAdjustQuantities` with an explicit
 * `changeFromQuantity: null` — never an absolute `inventorySetQuantities` (which would erase a
 * sale Shopify made meanwhile). Only the drift pass may set, and it runs nowhere here.
 */
const catalog = loadCatalog(2, 3);
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());

interface LoggedRequest {
  rootFields: string[];
  status: number;
  inventoryChanges: { mutation: string; sku: string | null; locationId: string; changeFromQuantity: number | null }[];
}
const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;
const requests = async () => (await getJson<{ requests: LoggedRequest[] }>(`${world.shopify.url}/_emulator/requests?limit=5000`)).requests;
const level = async (sku: string, location: string) =>
  (await getJson<Record<string, Record<string, { available: number }>>>(`${world.shopify.url}/_emulator/inventory?sku=${sku}`))[sku]?.[location]?.available;

async function untilIdle(): Promise<void> {
  const redis = world.ctx.redis;
  const policy = await world.ctx.policy();
  for (let i = 0; i < 50; i++) {
    await drainIntake(world.ctx, { maxMs: 5_000 });
    await flushChannels(world.ctx, { maxMs: 10_000 });
    const pending = await Promise.all(
      writableChannels(world.ctx, policy).map(async (a) => (await dirtyCount(redis, a.channel)) + (await listInflight(redis, a.channel)).length),
    );
    if ((await queueLength(redis)) === 0 && pending.every((n) => n === 0)) return;
  }
  throw new Error("workers did not become idle");
}

let n = 0;
const at = () => new Date(Date.UTC(2026, 10, 27, 9, 0, n)).toISOString();
const wms = (sku: string, rest: Record<string, unknown>) =>
  ({ id: `i6-${n++}`, sku, occurredAt: at(), source: "wms", sourceUri: "test://i6", ...rest }) as StockEvent;
const shop = (sku: string, rest: Record<string, unknown>) =>
  ({ id: `i6-${n++}`, sku, occurredAt: at(), source: "shopify", sourceUri: "shopify://orders/1", ...rest }) as StockEvent;

describe("I6: the flush writes deltas only", () => {
  it("after counts, picks, adjustments, own sales, refunds and cancels: only inventoryAdjustQuantities, every changeFromQuantity null", async () => {
    const redis = world.ctx.redis;
    const [a, b, c] = ["LOAD-0-0", "LOAD-0-1", "LOAD-1-2"] as const;
    // Round 1: stock arrives. The flush has no beliefs yet, reads Shopify, then writes.
    await enqueueDelivery(redis, "wms", "d1", [
      wms(a, { kind: "receipt", locationId: "wh-east", quantity: 20 }),
      wms(a, { kind: "receipt", locationId: "wh-west", quantity: 10 }),
      wms(b, { kind: "cycle_count", locationId: "wh-east", quantity: 30 }),
      wms(c, { kind: "receipt", locationId: "wh-west", quantity: 12 }),
    ]);
    await untilIdle();
    // Round 2: everything that could tempt an absolute write.
    await enqueueDelivery(redis, "wms", "d2", [
      wms(a, { kind: "pick", locationId: "wh-east", quantity: 3 }),
      wms(a, { kind: "adjustment", locationId: "wh-west", quantity: -2 }),
      wms(b, { kind: "cycle_count", locationId: "wh-east", quantity: 7 }),
      wms(c, { kind: "return", locationId: "wh-west", quantity: 1 }),
    ]);
    await enqueueDelivery(redis, "shopify", "d3", [
      shop(b, { kind: "reserve", channel: "shopify", lineKey: "shopify:1:1", quantity: 2, locationId: "wh-east" }),
      shop(c, { kind: "reserve", channel: "shopify", lineKey: "shopify:2:1", quantity: 1, locationId: "wh-west" }),
      shop(c, { kind: "release", channel: "shopify", lineKey: "shopify:2:1", quantity: 1 }),
      shop(b, { kind: "cancel_line", channel: "shopify", lineKey: "shopify:1:1" }),
    ]);
    await enqueueDelivery(redis, "marketplace", "d4", [
      {
        id: `i6-${n++}`,
        sku: a,
        occurredAt: at(),
        source: "marketplace",
        sourceUri: "marketplace://orders/9",
        kind: "reserve",
        channel: "marketplace",
        lineKey: "marketplace:9:1",
        quantity: 1,
      } as StockEvent,
    ]);
    await untilIdle();

    // The writes really happened (hand-computed: on hand − the Shopify buffer of 2).
    // The marketplace sale names no location: its unit comes off the first in routing order.
    expect(await level(a, "wh-east")).toBe(20 - 3 - 2 - 1);
    expect(await level(a, "wh-west")).toBe(10 - 2 - 2);
    expect(await level(b, "wh-east")).toBe(7 - 2);
    expect(await level(c, "wh-west")).toBe(12 + 1 - 2);

    const log = await requests();
    const mutations = log.filter((r) => r.inventoryChanges.length > 0);
    expect(mutations.length).toBeGreaterThanOrEqual(2);
    expect(log.flatMap((r) => r.rootFields)).not.toContain("inventorySetQuantities");
    const changes = mutations.flatMap((r) => r.inventoryChanges);
    expect(new Set(changes.map((ch) => ch.mutation))).toEqual(new Set(["inventoryAdjustQuantities"]));
    expect(changes.filter((ch) => ch.changeFromQuantity !== null)).toEqual([]);
    // Every SKU the events touched was written through that path.
    expect(new Set(changes.map((ch) => ch.sku))).toEqual(new Set([a, b, c]));
  });
});
