import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policySchema } from "@/lib/config/policy";
import { signBody } from "@/lib/http/hmac";
import { createRedis } from "@/lib/redis/client";
import { channelKeys, keys } from "@/lib/redis/keys";
import { launchPrivateStack, type PrivateStack } from "../support/private-stack";
import { eventually, wmsEvent } from "../support/stack-client";

/**
 * The outbound side end to end: warehouse events and channel sales reach Shopify, the
 * marketplace and the ERP emulators with exactly the numbers worked out by hand below.
 * On a stack of its own: the kill-switch test turns the marketplace off in the policy, which
 * no other test file may see.
 */
let s: PrivateStack;
beforeAll(async () => {
  s = await launchPrivateStack("channels");
});
afterAll(async () => s?.stop());

// The local policy's buffers (scripts/stack/edge-config.json); the expected numbers below are worked out from them.
const SHOPIFY_BUFFER = 2;
const MARKETPLACE_BUFFER = 3;
const CHANNELS = ["shopify", "marketplace", "erp"] as const;

const emulator = (name: "shopify" | "marketplace" | "erp") => s.emulators[name] ?? "";
const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
const postJson = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const redis = () => createRedis(s.redisRestUrl, s.redisRestToken);
const postWms = (body: unknown) => {
  const raw = JSON.stringify(body);
  return fetch(`${s.appUrl}/api/webhooks/wms`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature-sha256": signBody(raw, s.secrets.wmsWebhookSecret) },
    body: raw,
  });
};
const setMarketplaceEnabled = (enabled: boolean) => {
  const policy = JSON.parse(readFileSync(s.policyFile, "utf8")) as { channels: { marketplace: { enabled: boolean } } };
  policy.channels.marketplace.enabled = enabled;
  writeFileSync(s.policyFile, JSON.stringify(policy, null, 2));
};

const shopifyLevels = async (sku: string) => {
  const inventory = await getJson<Record<string, Record<string, { available: number }>>>(`${emulator("shopify")}/_emulator/inventory?sku=${sku}`);
  return Object.fromEntries(Object.entries(inventory[sku] ?? {}).map(([loc, q]) => [loc, q.available]));
};
const shopifyTotal = async (sku: string) => Object.values(await shopifyLevels(sku)).reduce((a, b) => a + b, 0);
/** Read through the control API: the seller API's rate limit is the app's to spend, not the test's. */
const listing = async (sku: string) => (await getJson<Record<string, number>>(`${emulator("marketplace")}/_emulator/listings`))[sku];
const erpAvailable = async (sku: string) =>
  (await getJson<{ projections: Record<string, { available: number }> }>(`${emulator("erp")}/_emulator/projections`)).projections[sku]?.available;

/**
 * Nothing left to do anywhere: the intake stream is empty, and no channel has a SKU waiting,
 * a batch in flight or a flusher at work. `except` names a switched-off channel whose SKUs wait by design.
 */
async function idle(except?: (typeof CHANNELS)[number]): Promise<boolean> {
  const r = redis();
  const counts = await Promise.all([
    r.xlen(keys.intakeStream),
    ...CHANNELS.flatMap((c) => [
      c === except ? Promise.resolve(0) : r.hlen(channelKeys.dirty(c)),
      r.hlen(channelKeys.inflight(c)),
      r.exists(channelKeys.flushLock(c)),
    ]),
  ]);
  return counts.every((n) => n === 0);
}
/**
 * Idle once the marketplace has delivered every late notification (its order webhooks lag 1–5 s):
 * the app can look idle before one arrives, e.g. when the warehouse's pick of the order lands first.
 */
const untilIdle = async (except?: (typeof CHANNELS)[number]) => {
  expect((await postJson(`${emulator("marketplace")}/_emulator/idle`, {})).ok).toBe(true);
  expect(
    await eventually(
      () => idle(except),
      (ok) => ok,
      30_000,
      100,
    ),
  ).toBe(true);
};
const isDirty = async (channel: (typeof CHANNELS)[number], sku: string) => (await redis().hexists(channelKeys.dirty(channel), sku)) === 1;

/** Counts both shelves, then waits for every channel to show the numbers worked out from the buffers. */
async function countShelves(sku: string, east: number, west: number) {
  expect((await postWms({ events: [wmsEvent(sku, "cycle_count", east), wmsEvent(sku, "cycle_count", west, { locationId: "wh-west" })] })).status).toBe(202);
  const shopify = { "wh-east": east - SHOPIFY_BUFFER, "wh-west": west - SHOPIFY_BUFFER };
  const market = east - MARKETPLACE_BUFFER + (west - MARKETPLACE_BUFFER);
  expect(
    await eventually(
      () => shopifyLevels(sku),
      (l) => JSON.stringify(l) === JSON.stringify(shopify),
      20_000,
      100,
    ),
  ).toEqual(shopify);
  expect(
    await eventually(
      () => listing(sku),
      (n) => n === market,
      20_000,
      100,
    ),
  ).toBe(market);
  await untilIdle();
}

describe("channel writers against the emulators", () => {
  it("the policy these numbers are worked out from", () => {
    const policy = policySchema.parse(JSON.parse(readFileSync(s.policyFile, "utf8")));
    expect(policy.channels.shopify).toMatchObject({ enabled: true, defaultBuffer: SHOPIFY_BUFFER, locations: ["wh-east", "wh-west"], locationAware: true });
    expect(policy.channels.marketplace).toMatchObject({
      enabled: true,
      defaultBuffer: MARKETPLACE_BUFFER,
      locations: ["wh-east", "wh-west"],
      locationAware: false,
    });
    expect(policy.channels.erp).toMatchObject({ enabled: true, defaultBuffer: 0, locationAware: false });
  });

  it("a warehouse receipt reaches Shopify (per location) and the marketplace (summed)", async () => {
    const sku = "BTL-SGE";
    // East 10 − 2 = 8, west 6 − 2 = 4 at Shopify; (10 − 3) + (6 − 3) = 10 on the marketplace.
    await countShelves(sku, 10, 6);
    expect((await postWms(wmsEvent(sku, "receipt", 7))).status).toBe(202);
    expect(
      await eventually(
        () => shopifyLevels(sku),
        (l) => l["wh-east"] === 15,
        20_000,
        100,
      ),
    ).toEqual({ "wh-east": 15, "wh-west": 4 });
    expect(
      await eventually(
        () => listing(sku),
        (n) => n === 17,
        20_000,
        100,
      ),
    ).toBe(17);
    await untilIdle();
    expect(await shopifyLevels(sku)).toEqual({ "wh-east": 15, "wh-west": 4 });
    expect(await listing(sku)).toBe(17);
  });

  it("a Shopify checkout lowers the marketplace listing; Shopify's own decrement is not written twice", async () => {
    const sku = "MUG-BLU";
    await countShelves(sku, 10, 6);
    const checkout = await postJson(`${emulator("shopify")}/_emulator/checkout`, { lines: [{ sku, quantity: 2 }] });
    expect(checkout.status).toBe(200);
    // The order reserves 2: the marketplace goes 10 → 8.
    expect(
      await eventually(
        () => listing(sku),
        (n) => n === 8,
        20_000,
        100,
      ),
    ).toBe(8);
    await untilIdle();
    expect(await listing(sku)).toBe(8);
    // Shopify took its 2 itself (12 → 10); a second decrement from us would show 8.
    expect(await shopifyTotal(sku)).toBe(10);
  });

  it("a marketplace sale lowers Shopify's numbers", async () => {
    const sku = "BNE-OLV";
    await countShelves(sku, 10, 6);
    const purchase = await postJson(`${emulator("marketplace")}/_emulator/purchase`, { sku, quantity: 1 });
    expect(purchase.status).toBe(201);
    // The marketplace took its unit itself (10 → 9). The notification arrives late (1–5 s); then Shopify follows: 12 → 11.
    expect(
      await eventually(
        () => shopifyTotal(sku),
        (n) => n === 11,
        30_000,
        100,
      ),
    ).toBe(11);
    await untilIdle();
    expect(await shopifyTotal(sku)).toBe(11);
    // Not written back a second time.
    expect(await listing(sku)).toBe(9);
  });

  it("the ERP receives the projection", async () => {
    const sku = "BTL-STL";
    await countShelves(sku, 10, 6);
    // No buffer for the ERP: 10 + 6, then 3 more.
    expect(
      await eventually(
        () => erpAvailable(sku),
        (n) => n === 16,
        20_000,
        100,
      ),
    ).toBe(16);
    expect((await postWms(wmsEvent(sku, "receipt", 3))).status).toBe(202);
    expect(
      await eventually(
        () => erpAvailable(sku),
        (n) => n === 19,
        20_000,
        100,
      ),
    ).toBe(19);
  });

  it("the kill switch in Edge Config stops writes to a channel; turning it back on catches up", async () => {
    const sku = "DPK-BLK";
    const probe = "TOT-TAN";
    await countShelves(sku, 10, 6);
    await countShelves(probe, 10, 6);
    setMarketplaceEnabled(false);
    try {
      // The app sees the switch once a warehouse event reaches Shopify while its marketplace write stays held back.
      const seen = await eventually(
        async () => {
          const [before, listed] = await Promise.all([shopifyLevels(probe), listing(probe)]);
          expect((await postWms(wmsEvent(probe, "receipt", 1))).status).toBe(202);
          await eventually(
            () => shopifyLevels(probe),
            (l) => l["wh-east"] === (before["wh-east"] ?? 0) + 1,
            20_000,
            100,
          );
          await untilIdle("marketplace");
          return (await isDirty("marketplace", probe)) && (await listing(probe)) === listed;
        },
        (held) => held,
        30_000,
        100,
      );
      expect(seen).toBe(true);

      expect((await postWms(wmsEvent(sku, "receipt", 5, { locationId: "wh-west" }))).status).toBe(202);
      expect(
        await eventually(
          () => shopifyLevels(sku),
          (l) => l["wh-west"] === 9,
          20_000,
          100,
        ),
      ).toEqual({ "wh-east": 8, "wh-west": 9 });
      await untilIdle("marketplace");
      // Everything else is done, and the marketplace write is held, not lost.
      expect(await listing(sku)).toBe(10);
      expect(await isDirty("marketplace", sku)).toBe(true);
    } finally {
      setMarketplaceEnabled(true);
    }
    // (10 − 3) + (11 − 3) = 15.
    expect(
      await eventually(
        () => listing(sku),
        (n) => n === 15,
        30_000,
        100,
      ),
    ).toBe(15);
    await untilIdle();
    expect(await listing(sku)).toBe(15);
    expect(await shopifyLevels(sku)).toEqual({ "wh-east": 8, "wh-west": 9 });
  });
});
