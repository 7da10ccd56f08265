import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { desiredTargets } from "@/lib/channels/plan";
import { policySchema, type Policy } from "@/lib/config/policy";
import type { Channel } from "@/lib/domain/events";
import { readSnapshots } from "@/lib/redis/projection-store";
import { eventually, postWms, stack, testRedis, wmsEvent } from "../support/stack-client";

/**
 * The outbound side end to end: warehouse events and channel sales reach Shopify, the
 * marketplace and the ERP emulators, converging exactly on the projection.
 */
const policy = (): Policy => policySchema.parse(JSON.parse(readFileSync(stack().policyFile, "utf8")));
const emulator = (name: "shopify" | "marketplace" | "erp" | "wms") => stack().emulators[name] ?? "";
const getJson = async <T>(url: string, headers: Record<string, string> = {}): Promise<T> => (await (await fetch(url, { headers })).json()) as T;
const postJson = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const shopifyAvailable = async (sku: string) => {
  const inventory = await getJson<Record<string, Record<string, { available: number }>>>(`${emulator("shopify")}/_emulator/inventory?sku=${sku}`);
  return Object.fromEntries(Object.entries(inventory[sku] ?? {}).map(([loc, q]) => [loc, q.available]));
};
/** The listing quantity; undefined while the marketplace rate-limits us (429), as it does under load. */
const listing = async (sku: string) => {
  const body = await getJson<{ items?: { sku: string; quantity: number }[] }>(`${emulator("marketplace")}/v1/inventory?sku=${sku}`, { authorization: `Bearer ${stack().secrets.marketplaceApiKey}` });
  return body.items?.find((i) => i.sku === sku)?.quantity;
};
const desired = async (sku: string, channel: Channel) => {
  const snapshot = (await readSnapshots(testRedis(), [sku])).get(sku);
  const channelPolicy = policy().channels[channel];
  if (!snapshot || !channelPolicy) throw new Error(`no projection for ${sku}`);
  return Object.fromEntries(desiredTargets(snapshot, channel, channelPolicy));
};
/** Both channels hold exactly what the projection says they should. */
const converged = async (sku: string) => {
  const [shopify, wantShopify, market, wantMarket] = await Promise.all([shopifyAvailable(sku), desired(sku, "shopify"), listing(sku), desired(sku, "marketplace")]);
  return { shopify, wantShopify, market, wantMarket: wantMarket["*"], ok: JSON.stringify(shopify) === JSON.stringify(wantShopify) && market === wantMarket["*"] };
};
const untilConverged = (sku: string, timeoutMs = 10_000) => eventually(() => converged(sku), (c) => c.ok, timeoutMs, 100);

describe("channel writers against the emulators", () => {
  it("a warehouse receipt reaches Shopify (per location) and the marketplace (summed)", async () => {
    const sku = "BTL-SGE";
    expect((await untilConverged(sku)).ok).toBe(true);
    const before = await shopifyAvailable(sku);
    expect((await postWms(wmsEvent(sku, "receipt", 7))).status).toBe(202);
    const after = await eventually(() => converged(sku), (c) => c.ok && c.shopify["wh-east"] !== before["wh-east"]);
    expect(after.ok).toBe(true);
    expect(after.shopify["wh-east"]).toBe((before["wh-east"] ?? 0) + 7);
  });

  it("a Shopify checkout lowers the marketplace listing; Shopify's own decrement is not written twice", async () => {
    const sku = "MUG-BLU";
    const start = await untilConverged(sku);
    expect(start.ok).toBe(true);
    const checkout = await postJson(`${emulator("shopify")}/_emulator/checkout`, { lines: [{ sku, quantity: 2 }] });
    expect(checkout.status).toBe(200);
    const after = await eventually(() => converged(sku), (c) => c.ok && c.market === (start.market ?? 0) - 2);
    expect(after.market).toBe((start.market ?? 0) - 2);
    expect(after.ok).toBe(true);
    const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
    expect(total(after.shopify)).toBeLessThan(total(start.shopify));
  });

  it("a marketplace sale lowers Shopify's numbers", async () => {
    const sku = "BNE-OLV";
    const start = await untilConverged(sku);
    const purchase = await postJson(`${emulator("marketplace")}/_emulator/purchase`, { sku, quantity: 1 });
    expect(purchase.status).toBe(201);
    // The notification arrives late (1–5 s); then Shopify follows.
    const after = await eventually(() => converged(sku), (c) => c.ok && Object.values(c.wantShopify).reduce((a, b) => a + b, 0) < Object.values(start.wantShopify).reduce((a, b) => a + b, 0), 15_000, 100);
    expect(after.ok).toBe(true);
  });

  it("the ERP receives the projection", async () => {
    const sku = "BTL-STL";
    const before = await desired(sku, "erp");
    await postWms(wmsEvent(sku, "receipt", 3));
    const want = (await eventually(() => desired(sku, "erp"), (d) => d["*"] !== before["*"]))["*"];
    const erpAvailable = async () => (await getJson<{ projections: Record<string, { available: number }> }>(`${emulator("erp")}/_emulator/projections`)).projections[sku]?.available;
    expect(await eventually(erpAvailable, (n) => n === want, 10_000, 100)).toBe(want);
  });

  it("the kill switch in Edge Config stops writes to a channel; turning it back on catches up", async () => {
    const sku = "DPK-BLK";
    const start = await untilConverged(sku);
    const original = readFileSync(stack().policyFile, "utf8");
    const off = JSON.parse(original) as { channels: { marketplace: { enabled: boolean } } };
    off.channels.marketplace.enabled = false;
    writeFileSync(stack().policyFile, JSON.stringify(off));
    try {
      await new Promise((r) => setTimeout(r, 3_500)); // policy cache (2 s) + file watch
      await postWms(wmsEvent(sku, "receipt", 5, { locationId: "wh-west" }));
      const shopifyMoved = await eventually(() => shopifyAvailable(sku), (s) => s["wh-west"] !== start.shopify["wh-west"]);
      expect(shopifyMoved["wh-west"]).not.toBe(start.shopify["wh-west"]);
      expect(await listing(sku)).toBe(start.market);
    } finally {
      writeFileSync(stack().policyFile, original);
    }
    const caughtUp = await untilConverged(sku, 15_000);
    expect(caughtUp.ok).toBe(true);
    expect(caughtUp.market).toBe((start.market ?? 0) + 5);
  });
});

