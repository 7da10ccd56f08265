import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { shopifyAdapter } from "@/lib/channels/shopify-adapter";
import type { StockEvent } from "@/lib/domain/events";
import { createRedis } from "@/lib/redis/client";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { openIncident, readIncident } from "@/lib/redis/incident-store";
import { drainIntake } from "@/workers/drain";
import { flushChannel, type FlushStats } from "@/workers/flush";
import { recoverIncidents, type RecoveryStats } from "@/workers/recovery";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * Exclusion under real concurrency: two flushers of one channel, and two recovery runs,
 * started together on separate Redis connections against a slow Shopify (every call 400 ms,
 * so the first holder is still working when the second arrives). One does the work; the
 * other sees the lease and steps aside; nothing is sent twice.
 */
const catalog = loadCatalog(2, 5);
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());
afterEach(async () => {
  await setFaults({ latencyMs: 0 });
});

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const setFaults = (faults: { latencyMs: number }) => post(`${world.shopify.url}/_emulator/faults`, faults);
/** A client of its own (its own HTTP connections), as a second process would have. */
const connection = () => createRedis(world.env.UPSTASH_REDIS_REST_URL, world.env.UPSTASH_REDIS_REST_TOKEN);
const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;
const level = async (sku: string, location: string) =>
  (await getJson<Record<string, Record<string, { available: number }>>>(`${world.shopify.url}/_emulator/inventory?sku=${sku}`))[sku]?.[location]?.available;

/** Resolves with the result and the order in which the racers finished. */
function race<T>(runs: (() => Promise<T>)[]): Promise<{ result: T; finished: number }[]> {
  let order = 0;
  return Promise.all(runs.map(async (run) => ({ result: await run(), finished: order++ })));
}

describe("one flusher per channel", () => {
  it("two flushers of Shopify at once: one writes every change once, the other steps aside before it is done", async () => {
    const skus = catalog.products[0]!.variants.map((v) => v.sku);
    const events = skus.map(
      (sku, i) =>
        ({
          id: `ex-${i}`,
          sku,
          occurredAt: new Date(Date.UTC(2026, 10, 27, 11, 0, i)).toISOString(),
          source: "wms",
          sourceUri: "test://ex",
          kind: "receipt",
          locationId: "wh-east",
          quantity: 10 + i,
        }) as StockEvent,
    );
    await enqueueDelivery(world.ctx.redis, "wms", "ex-flush", events);
    await drainIntake(world.ctx, { maxMs: 10_000 });
    await post(`${world.shopify.url}/_emulator/reset-stats`, {});
    await setFaults({ latencyMs: 400 });

    const policy = await world.ctx.policy();
    const flusher = () => {
      const redis = connection();
      return flushChannel(redis, shopifyAdapter(world.ctx.clients.shopify!, redis, policy), policy, Date.now() + 40_000);
    };
    const runs = await race<FlushStats>([flusher, flusher]);

    const [winner, loser] = [...runs].sort((a, b) => b.result.writes - a.result.writes);
    expect(winner!.result.writes).toBeGreaterThanOrEqual(1);
    expect(loser!.result).toMatchObject({ writes: 0, items: 0, skus: 0 });
    expect(loser!.finished).toBeLessThan(winner!.finished);
    const { requests } = await getJson<{ requests: { operationName: string | null; idempotencyKey: string | null }[] }>(
      `${world.shopify.url}/_emulator/requests?limit=5000`,
    );
    const keys = requests.filter((r) => r.operationName === "AdjustAvailable").map((r) => r.idempotencyKey);
    expect(keys.length).toBe(winner!.result.writes);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [i, sku] of skus.entries()) expect(await level(sku, "wh-east")).toBe(10 + i - 2);
  });
});

describe("one recovery run at a time", () => {
  it("two runs at once: one refunds the short unit once, the other finds the lock held", async () => {
    const sku = catalog.products[1]!.variants[0]!.sku;
    expect((await post(`${world.shopify.url}/_emulator/inventory`, { sku, locationId: "wh-east", available: 5 })).status).toBe(200);
    const checkout = await post(`${world.shopify.url}/_emulator/checkout`, { lines: [{ sku, quantity: 2 }], email: "race@example.com" });
    expect(checkout.status).toBe(200);
    const order = (await checkout.json()) as { orderId: number; lines: { lineItemId: number }[] };
    const id = `short:wms:ex-${order.orderId}`;
    const lineKey = `shopify:${order.orderId}:${order.lines[0]!.lineItemId}`;
    expect(
      await openIncident(world.ctx.redis, { id, kind: "short_pick", sku, locationId: "wh-east", units: 1, openedAt: new Date().toISOString(), lineKey }),
    ).toBe(true);
    await setFaults({ latencyMs: 400 });

    const runs = await race<RecoveryStats | null>([
      () => recoverIncidents(world.context({ redis: connection() })),
      () => recoverIncidents(world.context({ redis: connection() })),
    ]);

    const results = runs.map((r) => r.result);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    const ran = runs.find((r) => r.result !== null)!;
    expect(ran.result).toMatchObject({ recovered: 1 });
    expect(runs.find((r) => r.result === null)!.finished).toBeLessThan(ran.finished);
    const incident = await readIncident(world.ctx.redis, id);
    expect(incident?.state).toBe("recovered");
    expect(incident?.actions.filter((a) => a.action === "refund").map((a) => a.result)).toEqual(["ok"]);
    expect((await getJson<{ refunds: number[] }>(`${world.shopify.url}/_emulator/orders/${order.orderId}`)).refunds).toHaveLength(1);
  });
});
