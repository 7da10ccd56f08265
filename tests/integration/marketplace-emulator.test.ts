import { describe, expect, it } from "vitest";
import { createMarketplaceClient } from "@/lib/marketplace/client";
import { parseMarketplacePayload } from "@/lib/sources/marketplace";
import { parseWmsPayload } from "@/lib/sources/wms";
import { startMarketplaceEmulator, type MarketOrder, type MarketplaceEmulator, type MarketplaceEmulatorOptions } from "@/emulators/marketplace";
import type { DeliveryProfile } from "@/emulators/shared/webhook-sender";
import { startWmsEmulator } from "@/emulators/wms";
import { emulatorTestHooks, seeded, startFakeApp, type FakeApp } from "@/tests/support/fake-app";
import { apiHeaders, requestJson, type JsonAnswer } from "@/tests/support/http-json";

/**
 * The marketplace emulator: seller API (auth, idempotency, rate limit, CAS) and buyers whose
 * orders reach a stand-in for the app late, signed, and in a shape `parseMarketplacePayload` accepts.
 */
const SECRET = "marketplace-test-secret";
const API_KEY = "mkt-test-key";
const SKU = "MUG-SND";
const NOW_DELIVERY = { lagMs: { min: 0, max: 0 }, duplicateRate: 0, maxAttempts: 3 };

const cleanups = emulatorTestHooks();

async function setup(
  overrides: Partial<MarketplaceEmulatorOptions> = {},
  delivery: DeliveryProfile = NOW_DELIVERY,
): Promise<{ mkt: MarketplaceEmulator; rx: FakeApp }> {
  const rx = await startFakeApp({ secret: SECRET, parse: parseMarketplacePayload, path: "/api/webhooks" });
  cleanups.push(() => rx.stop());
  const mkt = await startMarketplaceEmulator({ port: 0, apiKey: API_KEY, webhook: { url: rx.url, secret: SECRET, delivery }, random: seeded(1), ...overrides });
  cleanups.push(() => mkt.stop());
  return { mkt, rx };
}

async function call(base: string, method: string, path: string, opts: { body?: unknown; key?: string | null; idem?: string } = {}): Promise<JsonAnswer> {
  return requestJson(`${base}${path}`, { method, body: opts.body, headers: apiHeaders(API_KEY, opts) });
}

const adjust = (base: string, idem: string | undefined, items: { sku: string; delta: number }[], key?: string | null) =>
  call(base, "POST", "/v1/inventory/adjustments", { body: { items }, ...(idem === undefined ? {} : { idem }), ...(key === undefined ? {} : { key }) });

describe("marketplace seller API", () => {
  it("401 without or with a wrong key, and nothing is applied", async () => {
    const { mkt } = await setup();
    const none = await adjust(mkt.url, "k1", [{ sku: SKU, delta: 5 }], null);
    const wrong = await adjust(mkt.url, "k1", [{ sku: SKU, delta: 5 }], "not-the-key");
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await call(mkt.url, "GET", "/v1/inventory", { key: null })).status).toBe(401);
    expect(mkt.listings()).toEqual({});
    expect(mkt.stats().unauthorized).toBe(3);
  });

  it("adjustments need an Idempotency-Key; the same key and body replay, a different body is 422", async () => {
    const { mkt } = await setup();
    expect((await adjust(mkt.url, undefined, [{ sku: SKU, delta: 5 }])).status).toBe(400);
    expect(mkt.listings()).toEqual({});

    const first = await adjust(mkt.url, "batch-1", [{ sku: SKU, delta: 5 }]);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ items: [{ sku: SKU, delta: 5, applied: 5, quantity: 5 }] });

    const replay = await adjust(mkt.url, "batch-1", [{ sku: SKU, delta: 5 }]);
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(mkt.listings()[SKU]).toBe(5);

    const mismatch = await adjust(mkt.url, "batch-1", [{ sku: SKU, delta: 6 }]);
    expect(mismatch.status).toBe(422);
    expect(mkt.listings()[SKU]).toBe(5);
    expect(mkt.stats()).toMatchObject({ adjustments: 1, idempotentReplays: 1, idempotencyConflicts: 1 });
  });

  it("clamps a listing at 0 and reports the delta actually applied", async () => {
    const { mkt } = await setup({ initialListings: { [SKU]: 3 } });
    const res = await adjust(mkt.url, "k", [
      { sku: SKU, delta: -8 },
      { sku: "NEW-SKU", delta: 2 },
    ]);
    expect(res.json).toEqual({
      items: [
        { sku: SKU, delta: -8, applied: -3, quantity: 0 },
        { sku: "NEW-SKU", delta: 2, applied: 2, quantity: 2 },
      ],
    });
    expect(mkt.stats().clampedItems).toBe(1);
    const tooMany = await adjust(
      mkt.url,
      "k2",
      Array.from({ length: 101 }, () => ({ sku: SKU, delta: 1 })),
    );
    expect(tooMany.status).toBe(400);
    expect(mkt.listings()).toEqual({ [SKU]: 0, "NEW-SKU": 2 });
  });

  it("a burst over the limit gets 429 + Retry-After with nothing applied, and succeeds after waiting", async () => {
    // A manual clock for the limiter: the 8 calls must not earn tokens however slowly they arrive.
    let clockMs = 0;
    const { mkt } = await setup({ rateLimit: { perSecond: 1, burst: 5 }, rateLimitClock: () => clockMs });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => adjust(mkt.url, `burst-${i}`, [{ sku: SKU, delta: 1 }])));
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(5);
    expect(limited).toHaveLength(3);
    for (const a of limited) {
      const retryAfter = a.headers.get("retry-after") ?? "";
      expect(retryAfter).toMatch(/^[1-9]\d*$/);
      expect(a.json).toMatchObject({ error: "rate_limited" });
    }
    // Only the accepted calls moved the listing.
    expect(mkt.listings()[SKU]).toBe(5);
    expect(mkt.stats().rateLimited).toBe(3);

    const wait = Math.max(...limited.map((a) => Number(a.headers.get("retry-after"))));
    // Just short of Retry-After there is still no token; at Retry-After there is.
    clockMs += wait * 1000 - 1;
    expect((await adjust(mkt.url, "burst-early", [{ sku: SKU, delta: 1 }])).status).toBe(429);
    clockMs += 1;
    const later = await adjust(mkt.url, "burst-late", [{ sku: SKU, delta: 1 }]);
    expect(later.status).toBe(200);
    expect(mkt.listings()[SKU]).toBe(6);
  });

  it("absolute set is compare-and-swap: a stale expectation is 409 with the current value", async () => {
    const { mkt } = await setup({ initialListings: { [SKU]: 7 } });
    const put = (idem: string | undefined, body: unknown) => call(mkt.url, "PUT", `/v1/inventory/${SKU}`, { body, ...(idem === undefined ? {} : { idem }) });
    expect((await put(undefined, { quantity: 3, expectedQuantity: 7 })).status).toBe(400);

    const stale = await put("cas-1", { quantity: 3, expectedQuantity: 5 });
    expect(stale.status).toBe(409);
    expect(stale.json).toEqual({ error: "stale", current: 7 });
    expect(mkt.listings()[SKU]).toBe(7);

    const fresh = await put("cas-2", { quantity: 3, expectedQuantity: 7 });
    expect(fresh.status).toBe(200);
    expect(fresh.json).toMatchObject({ sku: SKU, quantity: 3 });
    expect(mkt.listings()[SKU]).toBe(3);
    // Replaying the accepted set does not apply it again over a later change.
    await adjust(mkt.url, "after", [{ sku: SKU, delta: 1 }]);
    expect((await put("cas-2", { quantity: 3, expectedQuantity: 7 })).headers.get("idempotent-replayed")).toBe("true");
    expect(mkt.listings()[SKU]).toBe(4);
  });

  it("reads listings by SKU (unlisted SKUs read 0) or all", async () => {
    const { mkt } = await setup({ initialListings: { [SKU]: 4, "TEE-BLK-M": 2 } });
    const some = await call(mkt.url, "GET", `/v1/inventory?sku=${SKU}&sku=NOPE`);
    expect(some.json).toEqual({ items: [expect.objectContaining({ sku: SKU, quantity: 4 }), { sku: "NOPE", quantity: 0, updatedAt: null }] });
    const all = (await call(mkt.url, "GET", "/v1/inventory")).json as { items: { sku: string; quantity: number }[] };
    expect(all.items.map((i) => [i.sku, i.quantity])).toEqual([
      [SKU, 4],
      ["TEE-BLK-M", 2],
    ]);
  });

  it("injected faults answer 503 and apply nothing", async () => {
    const { mkt } = await setup();
    await call(mkt.url, "POST", "/_emulator/faults", { body: { errorRate: 1, latencyMs: 0 } });
    const res = await adjust(mkt.url, "f1", [{ sku: SKU, delta: 1 }]);
    expect(res.status).toBe(503);
    expect(mkt.listings()).toEqual({});
    await call(mkt.url, "POST", "/_emulator/faults", { body: { errorRate: 0, latencyMs: 0 } });
    expect((await adjust(mkt.url, "f1", [{ sku: SKU, delta: 1 }])).status).toBe(200);
    expect(mkt.listings()[SKU]).toBe(1);
  });

  it("the app's own marketplace client works against it, and sees a 429 as retry", async () => {
    const { mkt } = await setup({ initialListings: { [SKU]: 2 }, rateLimit: { perSecond: 1, burst: 3 } });
    const client = createMarketplaceClient(mkt.url, API_KEY);
    const read = await client.listings([SKU]);
    expect(read).toEqual({ kind: "ok", data: new Map([[SKU, 2]]) });
    expect((await client.adjust("c-1", [{ sku: SKU, delta: 3 }])).kind).toBe("ok");
    expect((await client.setQuantity("c-2", SKU, 1, 99)).kind).toBe("error");
    const limited = await client.adjust("c-3", [{ sku: SKU, delta: 1 }]);
    expect(limited).toMatchObject({ kind: "retry", reason: "rate_limited" });
    expect(mkt.listings()[SKU]).toBe(5);
  });
});

describe("marketplace buyers and notifications", () => {
  it("purchases only while the listing holds the units: of concurrent buyers of the last unit exactly one wins", async () => {
    const { mkt } = await setup({ initialListings: { [SKU]: 1 } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(mkt.url, "POST", "/_emulator/purchase", { body: { sku: SKU, quantity: 1 } })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).toHaveLength(19);
    expect(refused[0]?.json).toEqual({ error: "out_of_stock", listing: 0 });
    expect(mkt.listings()[SKU]).toBe(0);
    expect(mkt.stats()).toMatchObject({ purchases: 1, refusedPurchases: 19 });
    expect((await call(mkt.url, "POST", "/_emulator/purchase", { body: { sku: "NEVER-LISTED", quantity: 1 } })).status).toBe(409);
  });

  it("a purchase's notification arrives late, signed, and parses into a reservation; a cancellation releases it", async () => {
    const { mkt, rx } = await setup({ initialListings: { [SKU]: 3 } }, { lagMs: { min: 300, max: 400 }, duplicateRate: 0, maxAttempts: 3 });
    const bought = Date.now();
    const res = await call(mkt.url, "POST", "/_emulator/purchase", { body: { sku: SKU, quantity: 2, priceCents: 1250 } });
    expect(res.status).toBe(201);
    const order = (res.json as { order: MarketOrder }).order;
    expect(order.id).toMatch(/^MKT-[0-9a-z]{4}-100001$/);
    expect(mkt.listings()[SKU]).toBe(1);

    await mkt.idle();
    expect(rx.rejected).toEqual([]);
    expect(rx.deliveries).toHaveLength(1);
    expect((rx.deliveries[0]?.at ?? 0) - bought).toBeGreaterThanOrEqual(300);
    expect(rx.deliveries[0]?.body).toMatchObject({
      type: "order.created",
      order: { id: order.id, lines: [{ id: "1", sku: SKU, quantity: 2, priceCents: 1250 }] },
    });
    expect(rx.deliveries[0]?.events).toEqual([
      expect.objectContaining({
        kind: "reserve",
        channel: "marketplace",
        lineKey: `marketplace:${order.id}:1`,
        quantity: 2,
        valueCents: 2500,
        id: `marketplace:reserve:${order.id}:1`,
      }),
    ]);

    const cancel = await call(mkt.url, "POST", `/_emulator/orders/${order.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(mkt.listings()[SKU]).toBe(3);
    expect((await call(mkt.url, "POST", `/_emulator/orders/${order.id}/cancel`)).status).toBe(409);
    await mkt.idle();
    expect(rx.rejected).toEqual([]);
    expect(rx.deliveries.map((d) => (d.body as { type: string }).type)).toEqual(["order.created", "order.cancelled"]);
    expect(rx.deliveries[1]?.events).toEqual([expect.objectContaining({ kind: "cancel_line", lineKey: `marketplace:${order.id}:1` })]);
  });

  it("the orders feed lists orders changed since a time", async () => {
    const { mkt } = await setup({ initialListings: { [SKU]: 5 } });
    const before = new Date(Date.now() - 1).toISOString();
    await call(mkt.url, "POST", "/_emulator/purchase", { body: { sku: SKU, quantity: 1 } });
    const second = (await call(mkt.url, "POST", "/_emulator/purchase", { body: { sku: SKU, quantity: 1 } })).json as { order: MarketOrder };
    const feed = (await call(mkt.url, "GET", `/v1/orders?since=${encodeURIComponent(before)}`)).json as { orders: MarketOrder[] };
    expect(feed.orders).toHaveLength(2);

    await new Promise((r) => setTimeout(r, 5));
    const after = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect(((await call(mkt.url, "GET", `/v1/orders?since=${encodeURIComponent(after)}`)).json as { orders: MarketOrder[] }).orders).toEqual([]);
    await call(mkt.url, "POST", `/_emulator/orders/${second.order.id}/cancel`);
    const changed = (await call(mkt.url, "GET", `/v1/orders?since=${encodeURIComponent(after)}`)).json as { orders: MarketOrder[] };
    expect(changed.orders.map((o) => [o.id, o.status])).toEqual([[second.order.id, "cancelled"]]);
    expect((await call(mkt.url, "GET", "/v1/orders?since=yesterday")).status).toBe(400);
    expect((await call(mkt.url, "GET", "/v1/orders", { key: null })).status).toBe(401);
  });

  it("each purchase becomes a WMS fulfillment request whose pick matches the reservation's line key", async () => {
    const wmsRx = await startFakeApp({ secret: "wms-secret", parse: parseWmsPayload, path: "/api/webhooks" });
    cleanups.push(() => wmsRx.stop());
    const wms = await startWmsEmulator({
      port: 0,
      webhook: { url: wmsRx.url, secret: "wms-secret" },
      locations: ["wh-east"],
      initialStock: { [SKU]: { "wh-east": 5 } },
      picking: { lagMs: { min: 0, max: 10 } },
      batchMs: 5,
    });
    cleanups.push(() => wms.stop());
    const { mkt, rx } = await setup({ initialListings: { [SKU]: 5 }, fulfillmentUrl: `${wms.url}/orders` });

    await call(mkt.url, "POST", "/_emulator/purchase", { body: { sku: SKU, quantity: 2 } });
    await mkt.idle();
    const deadline = Date.now() + 20_000;
    while (wms.stats().picks < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await wms.flush();

    expect([rx.rejected, wmsRx.rejected]).toEqual([[], []]);
    const reserve = rx.deliveries[0]?.events[0];
    const pick = wmsRx.deliveries[0]?.events[0];
    expect(reserve).toMatchObject({ kind: "reserve" });
    expect(pick).toMatchObject({ kind: "pick", quantity: 2 });
    expect(pick && "lineKey" in pick ? pick.lineKey : undefined).toBe(reserve && "lineKey" in reserve ? reserve.lineKey : "missing");
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(3);
    expect(mkt.stats().fulfillment).toMatchObject({ requested: 1, accepted: 1, failed: 0 });
  });

  it("simulated buyers buy at the set rate until the listings run out", async () => {
    const { mkt } = await setup({ initialListings: { [SKU]: 10 } });
    await call(mkt.url, "POST", "/_emulator/buyers", { body: { ratePerSecond: 200, skus: [SKU] } });
    const deadline = Date.now() + 20_000;
    while (mkt.stats().refusedPurchases === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await call(mkt.url, "POST", "/_emulator/buyers", { body: { ratePerSecond: 0 } });
    const stats = mkt.stats();
    expect(stats.refusedPurchases).toBeGreaterThan(0);
    expect(mkt.listings()[SKU]).toBeLessThanOrEqual(1);
    const units = ((await call(mkt.url, "GET", "/_emulator/orders")).json as { orders: MarketOrder[] }).orders.reduce(
      (n, o) => n + (o.lines[0]?.quantity ?? 0),
      0,
    );
    expect(units + (mkt.listings()[SKU] ?? 0)).toBe(10);
    // Stopped, not just paused: the buyers report no rate (their timer is cleared synchronously).
    expect((await call(mkt.url, "GET", "/_emulator/buyers")).json).toEqual({ ratePerSecond: 0, skus: null });
  });
});
