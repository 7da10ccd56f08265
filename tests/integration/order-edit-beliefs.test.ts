import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetKey } from "@/lib/domain/channel-targets";
import type { StockEvent } from "@/lib/domain/events";
import { readBelieved } from "@/lib/redis/channel-store";
import { enqueueDelivery } from "@/lib/redis/intake-queue";
import { shopifySource } from "@/lib/sources/webhook-sources";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";
import { startShopifyInbox, type InboxDelivery } from "../support/shopify-inbox";

/**
 * An order edit in Shopify (added units committed, removed units given back with or without
 * restock) must move every channel's number and leave our belief of Shopify equal to Shopify.
 * Driven through the emulator's order editing and the real intake parser, drain and flush.
 */
const catalog = loadCatalog(2, 2);
let world: Awaited<ReturnType<typeof startChannelWorld>>;
let inbox: Awaited<ReturnType<typeof startShopifyInbox>>;

beforeAll(async () => {
  inbox = await startShopifyInbox();
  world = await startChannelWorld(catalog, 20261202, {}, { shopifyWebhook: { url: inbox.url, secret: "unused-secret-0123456789" } });
}, 60_000);
afterAll(async () => {
  await world?.stop();
  await inbox?.stop();
});

const at = "2026-12-02T08:00:00.000Z";
const receipt = (sku: string, quantity: number): StockEvent => ({
  id: `wms:r-${sku}`,
  kind: "receipt",
  sku,
  locationId: "wh-east",
  quantity,
  occurredAt: at,
  source: "wms",
  sourceUri: "test://wms",
});

async function apply(source: "wms" | "shopify", events: StockEvent[]) {
  await enqueueDelivery(world.ctx.redis, source, null, events);
  await drainIntake(world.ctx, { maxMs: 5_000 });
  await flushChannels(world.ctx, { maxMs: 5_000 });
}
/** Hands a webhook to the Shopify parser exactly as intake would, then drains and flushes. */
async function deliver(delivery: InboxDelivery) {
  const events = shopifySource.parse(new Headers({ "x-shopify-topic": delivery.topic }), delivery.body, { policy: await world.ctx.policy() }) ?? [];
  await apply("shopify", events);
}
const post = async (path: string, body: unknown) => {
  const res = await fetch(`${world.shopify.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};
const shopifyEast = async (sku: string) =>
  ((await (await fetch(`${world.shopify.url}/_emulator/inventory?sku=${sku}`)).json()) as Record<string, Record<string, { available: number }>>)[sku]?.[
    "wh-east"
  ]?.available;
const believedEast = async (sku: string) => (await readBelieved(world.ctx.redis, "shopify", [targetKey(sku, "wh-east")])).get(targetKey(sku, "wh-east"));
const listing = async (sku: string) => ((await (await fetch(`${world.marketplace.url}/_emulator/listings`)).json()) as Record<string, number>)[sku];

describe("order edits", () => {
  it("added units lower every channel; removed units come back with restock, and without it only through our write", async () => {
    const [kept, dropped, added] = ["LOAD-0-0", "LOAD-0-1", "LOAD-1-0"] as const;
    await apply(
      "wms",
      [kept, dropped, added].map((sku) => receipt(sku, 10)),
    );
    // Shopify buffer 2: each shows 8 at east. Marketplace buffer 3: each lists 7.
    const order = (await post("/_emulator/checkout", {
      lines: [
        { sku: kept, quantity: 3 },
        { sku: dropped, quantity: 2 },
      ],
    })) as {
      orderId: number;
      lines: { lineItemId: number }[];
    };
    await deliver((await inbox.take("orders/create"))[0]!);
    expect([await shopifyEast(kept), await shopifyEast(dropped), await shopifyEast(added)]).toEqual([5, 6, 8]);
    expect([await listing(kept), await listing(dropped), await listing(added)]).toEqual([4, 5, 7]);

    await post(`/_emulator/orders/${order.orderId}/edit`, {
      addVariants: [{ sku: added, quantity: 2 }],
      setQuantities: [
        { lineItemId: order.lines[0]!.lineItemId, quantity: 2, restock: true },
        { lineItemId: order.lines[1]!.lineItemId, quantity: 1, restock: false },
      ],
    });
    const [edited] = await inbox.take("orders/edited");
    const [updated] = await inbox.take("orders/updated");
    expect(updated!.eventId).toBe(edited!.eventId);
    await deliver(edited!);
    await deliver(updated!);

    // Added 2: Shopify committed them (8 → 6), and every other channel drops by 2 too.
    expect(await shopifyEast(added)).toBe(6);
    expect(await believedEast(added)).toBe(6);
    expect(await listing(added)).toBe(5);
    // Removed 1 with restock: Shopify put it back itself (5 → 6); we believe it and write nothing more.
    expect(await shopifyEast(kept)).toBe(6);
    expect(await believedEast(kept)).toBe(6);
    expect(await listing(kept)).toBe(5);
    // Removed 1 without restock: Shopify left available at 6; the unit is still on our shelf, so we write it back (7).
    expect(await shopifyEast(dropped)).toBe(7);
    expect(await believedEast(dropped)).toBe(7);
    expect(await listing(dropped)).toBe(6);

    // Redelivery of either topic, and a late orders/create, change nothing.
    await deliver(updated!);
    await deliver((await inbox.take("orders/create"))[0]!);
    expect([await shopifyEast(kept), await shopifyEast(dropped), await shopifyEast(added)]).toEqual([6, 7, 6]);
    expect([await believedEast(kept), await believedEast(dropped), await believedEast(added)]).toEqual([6, 7, 6]);
    expect([await listing(kept), await listing(dropped), await listing(added)]).toEqual([5, 6, 5]);
  });
});

describe("the emulator's order edit is all or nothing, like orderEditCommit", () => {
  it("refuses removing fulfilled units, unknown lines and edits of cancelled orders, and moves no stock", async () => {
    const sku = "LOAD-1-1";
    await fetch(`${world.shopify.url}/_emulator/inventory`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sku, locationId: "wh-east", available: 5 }),
    });
    const order = (await post("/_emulator/checkout", { lines: [{ sku, quantity: 2 }] })) as { orderId: number; lines: { lineItemId: number }[] };
    await post(`/_emulator/orders/${order.orderId}/fulfill`, {});
    const edit = (body: unknown) =>
      fetch(`${world.shopify.url}/_emulator/orders/${order.orderId}/edit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const fulfilledRemoval = await edit({ addVariants: [{ sku, quantity: 1 }], setQuantities: [{ lineItemId: order.lines[0]!.lineItemId, quantity: 0 }] });
    expect(fulfilledRemoval.status).toBe(409);
    expect((await edit({ setQuantities: [{ lineItemId: 1, quantity: 0 }] })).status).toBe(400);
    expect((await edit({})).status).toBe(400);
    expect(await shopifyEast(sku)).toBe(3);
    await post(`/_emulator/orders/${order.orderId}/cancel`, { restock: true });
    expect((await edit({ addVariants: [{ sku, quantity: 1 }] })).status).toBe(409);
    expect(await shopifyEast(sku)).toBe(3);
  });
});
