import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openIncident, readIncident, recordDecision, type Incident } from "@/lib/redis/incident-store";
import { recoverIncidents } from "@/workers/recovery";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * A merchant's decision on /ops must survive a recovery run that is in progress: the run
 * loaded every incident at its start and saves each one as it goes, so a decision written
 * meanwhile was overwritten by the run's stale copy (the page said "Decision recorded", the
 * incident waited for a decision forever). Found by the /ops decision e2e test.
 */
const catalog = loadCatalog(2, 2);
let world: Awaited<ReturnType<typeof startChannelWorld>>;

beforeAll(async () => {
  world = await startChannelWorld(catalog);
}, 60_000);
afterAll(async () => world?.stop());

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

async function order(sku: string, quantity: number): Promise<{ orderId: number; lineItemId: number }> {
  expect((await post(`${world.shopify.url}/_emulator/inventory`, { sku, locationId: "wh-east", available: quantity + 5 })).status).toBe(200);
  const response = await post(`${world.shopify.url}/_emulator/checkout`, { lines: [{ sku, quantity }], email: "race@example.com" });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { orderId: number; lines: { lineItemId: number }[] };
  return { orderId: body.orderId, lineItemId: body.lines[0]!.lineItemId };
}

describe("a decision made while a recovery run is in progress", () => {
  it("is kept, and the next run acts on it", async () => {
    const redis = world.ctx.redis;
    const [skuB, skuA] = [catalog.products[0]!.variants[0]!.sku, catalog.products[1]!.variants[0]!.sku];
    // B: escalated earlier, waiting for the merchant (older, so the run reaches it last).
    const b = await order(skuB, 60); // 60 × $10 > the $500 threshold
    const idB = `short:wms:race-b-${b.orderId}`;
    expect(
      await openIncident(redis, {
        id: idB,
        kind: "short_pick",
        sku: skuB,
        locationId: "wh-east",
        units: 1,
        openedAt: new Date(Date.now() - 60_000).toISOString(),
        lineKey: `shopify:${b.orderId}:${b.lineItemId}`,
      }),
    ).toBe(true);
    await recoverIncidents(world.ctx);
    expect((await readIncident(redis, idB))?.state).toBe("awaiting_decision");

    // A: new, settled automatically, against a slow Shopify (the run takes a while).
    const a = await order(skuA, 1);
    const idA = `short:wms:race-a-${a.orderId}`;
    expect(
      await openIncident(redis, {
        id: idA,
        kind: "short_pick",
        sku: skuA,
        locationId: "wh-east",
        units: 1,
        openedAt: new Date().toISOString(),
        lineKey: `shopify:${a.orderId}:${a.lineItemId}`,
      }),
    ).toBe(true);
    await post(`${world.shopify.url}/_emulator/reset-stats`, {});
    await post(`${world.shopify.url}/_emulator/faults`, { latencyMs: 500 });
    try {
      const run = recoverIncidents(world.ctx);
      // The run has loaded the incidents once it asks Shopify about A's order.
      for (let i = 0; i < 200 && (await getJson<{ requests: number }>(`${world.shopify.url}/_emulator/stats`)).requests === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(await recordDecision(redis, idB, { choice: "refund", note: "go ahead", at: new Date().toISOString() })).toBe("recorded");
      expect(await run).toMatchObject({ recovered: 1 });
    } finally {
      await post(`${world.shopify.url}/_emulator/faults`, { latencyMs: 0 });
    }

    const kept = await readIncident(redis, idB);
    expect(kept?.decision).toMatchObject({ choice: "refund", note: "go ahead" });
    await recoverIncidents(world.ctx);
    const after = (await readIncident(redis, idB)) as Incident;
    expect(after.state).toBe("recovered");
    expect(after.actions.filter((x) => x.action === "refund" && x.result === "ok")).toHaveLength(1);
    // A second decision on the same incident changes nothing.
    expect(await recordDecision(redis, idB, { choice: "substitute", note: "", at: new Date().toISOString() })).not.toBe("recorded");
  });
});
