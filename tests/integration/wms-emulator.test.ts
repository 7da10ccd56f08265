import { describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { parseWmsPayload, type WmsEvent } from "@/lib/sources/wms";
import { startWmsEmulator, type WmsEmulator, type WmsEmulatorOptions, type WmsOrder } from "@/emulators/wms";
import { emulatorTestHooks, seeded, startFakeApp, type FakeApp } from "@/tests/support/fake-app";
import { requestJson } from "@/tests/support/http-json";

/**
 * The WMS emulator against a stand-in for the app: every delivery must carry a valid
 * signature and parse with the app's own `parseWmsPayload`, or the test fails.
 */
const SECRET = "wms-test-secret";
const SKU = "TEE-BLK-M";

type WmsBody = { events: WmsEvent[] };
type Receiver = FakeApp<WmsBody>;

const cleanups = emulatorTestHooks();

async function setup(overrides: Partial<WmsEmulatorOptions> = {}): Promise<{ wms: WmsEmulator; rx: Receiver }> {
  const rx = await startFakeApp<WmsBody>({ secret: SECRET, parse: parseWmsPayload, path: "/api/webhooks/wms" });
  cleanups.push(() => rx.stop());
  const wms = await startWmsEmulator({
    port: 0,
    webhook: { url: rx.url, secret: SECRET },
    locations: ["wh-east", "wh-west"],
    picking: { lagMs: { min: 20, max: 40 } },
    batchMs: 10,
    random: seeded(42),
    ...overrides,
  });
  cleanups.push(() => wms.stop());
  return { wms, rx };
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  // Only status and body: some assertions compare the whole answer.
  const { status, json } = await requestJson(`${base}${path}`, { method, body });
  return { status, json };
}

const allRaw = (rx: Receiver): WmsEvent[] => rx.deliveries.flatMap((d) => d.body.events);
const allParsed = (rx: Receiver): StockEvent[] => rx.deliveries.flatMap((d) => d.events);

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("WMS emulator: floor events", () => {
  it("a receipt adds to physical stock and reaches the app as a signed receipt event", async () => {
    const { wms, rx } = await setup();
    const before = Date.now();
    const res = await call(wms.url, "POST", "/_emulator/receive", { sku: SKU, locationId: "wh-east", quantity: 5 });
    expect(res).toEqual({ status: 200, json: { sku: SKU, locationId: "wh-east", physical: 5 } });
    await wms.flush();

    expect(rx.rejected).toEqual([]);
    const raw = allRaw(rx);
    expect(raw).toHaveLength(1);
    expect(raw[0]).toMatchObject({ type: "receipt", sku: SKU, locationId: "wh-east", quantity: 5 });
    expect(raw[0]?.id).toMatch(/^wms-\d+-[0-9a-f]{6}$/);
    const occurred = Date.parse(raw[0]?.occurredAt ?? "");
    expect(occurred).toBeGreaterThanOrEqual(before - 1);
    expect(occurred).toBeLessThanOrEqual(Date.now());
    expect(allParsed(rx)).toEqual([expect.objectContaining({ kind: "receipt", sku: SKU, locationId: "wh-east", quantity: 5, id: `wms:${raw[0]?.id}` })]);
    expect(wms.stock()).toEqual({ [SKU]: { "wh-east": 5, "wh-west": 0 } });
    expect((await call(wms.url, "GET", "/_emulator/stock")).json).toEqual({ [SKU]: { "wh-east": 5, "wh-west": 0 } });
  });

  it("damage is a negative adjustment, a return adds back, a silent shrink sends nothing", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-east": 10 } } });
    expect((await call(wms.url, "POST", "/_emulator/damage", { sku: SKU, locationId: "wh-east", quantity: 2 })).status).toBe(200);
    expect((await call(wms.url, "POST", "/_emulator/return", { sku: SKU, locationId: "wh-east", quantity: 1 })).status).toBe(200);
    expect((await call(wms.url, "POST", "/_emulator/shrink", { sku: SKU, locationId: "wh-east", quantity: 3 })).status).toBe(200);
    await wms.flush();

    expect(rx.rejected).toEqual([]);
    expect(allRaw(rx).map((e) => [e.type, e.quantity])).toEqual([
      ["adjustment", -2],
      ["return", 1],
    ]);
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(6);
    expect(wms.stats()).toMatchObject({ adjustments: 1, returns: 1, silentShrinks: 1 });
  });

  it("refuses to take more than the shelf holds, and unknown locations", async () => {
    const { wms } = await setup({ initialStock: { [SKU]: { "wh-east": 1 } } });
    expect((await call(wms.url, "POST", "/_emulator/damage", { sku: SKU, locationId: "wh-east", quantity: 2 })).status).toBe(409);
    expect((await call(wms.url, "POST", "/_emulator/receive", { sku: SKU, locationId: "wh-north", quantity: 2 })).status).toBe(400);
    expect((await call(wms.url, "POST", "/_emulator/receive", { sku: SKU, locationId: "wh-east", quantity: 0 })).status).toBe(400);
    expect(wms.stock()[SKU]).toEqual({ "wh-east": 1, "wh-west": 0 });
  });

  it("a cycle count reports the shelf as counted (default: the physical count)", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-west": 7 } } });
    await call(wms.url, "POST", "/_emulator/cycle-count", { sku: SKU, locationId: "wh-west" });
    await call(wms.url, "POST", "/_emulator/cycle-count", { sku: SKU, locationId: "wh-west", quantity: 4 });
    await wms.flush();

    expect(rx.rejected).toEqual([]);
    expect(allRaw(rx).map((e) => [e.type, e.locationId, e.quantity])).toEqual([
      ["cycle_count", "wh-west", 7],
      ["cycle_count", "wh-west", 4],
    ]);
    expect(allParsed(rx).map((e) => e.kind)).toEqual(["cycle_count", "cycle_count"]);
    expect(wms.stock()[SKU]?.["wh-west"]).toBe(4);
  });
});

describe("WMS emulator: picking", () => {
  it("picks an order after the lag and echoes the order reference so the app's line key matches", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-east": 10 } }, picking: { lagMs: { min: 150, max: 150 } } });
    const res = await call(wms.url, "POST", "/orders", { orderId: "shopify:6524199520001", lines: [{ lineId: "L1", sku: SKU, quantity: 3 }] });
    expect(res.status).toBe(202);
    const received = Date.parse((res.json as WmsOrder).receivedAt);
    // Not picked on arrival: the pick is scheduled for the end of the lag (a check that needs no waiting).
    const picking = (await call(wms.url, "GET", "/_emulator/picking")).json as { openLines: number; nextPickAt: number | null };
    if (picking.openLines === 1) expect(picking.nextPickAt).toBe(received + 150);
    else expect(Date.now() - received).toBeGreaterThanOrEqual(150);

    await until(() => allRaw(rx).length === 1);
    expect(rx.rejected).toEqual([]);
    const pick = allRaw(rx)[0];
    expect(pick).toMatchObject({ type: "pick", sku: SKU, locationId: "wh-east", quantity: 3, orderId: "shopify:6524199520001", lineId: "L1" });
    expect(pick).not.toHaveProperty("channel");
    expect(Date.parse(pick?.occurredAt ?? "") - received).toBeGreaterThanOrEqual(150);
    expect(allParsed(rx)[0]).toMatchObject({ kind: "pick", lineKey: "shopify:6524199520001:L1", quantity: 3 });
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(7);

    const orders = (await call(wms.url, "GET", "/_emulator/orders?status=picked")).json as { orders: WmsOrder[] };
    expect(orders.orders.map((o) => o.orderId)).toEqual(["shopify:6524199520001"]);
  });

  it("adds the channel for a bare order id, and is idempotent on orderId", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-east": 10 } } });
    const order = { orderId: "A-77", channel: "marketplace", lines: [{ lineId: "1", sku: SKU, quantity: 2 }] };
    expect((await call(wms.url, "POST", "/orders", order)).status).toBe(202);
    const again = await call(wms.url, "POST", "/orders", order);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, orderId: "A-77" });

    await until(() => wms.stats().picks === 1);
    // The duplicate opened no line of its own: nothing is left to pick, nothing is scheduled.
    expect((await call(wms.url, "GET", "/_emulator/picking")).json).toMatchObject({ openLines: 0, nextPickAt: null });
    await wms.flush();
    expect(rx.rejected).toEqual([]);
    expect(allRaw(rx)).toEqual([expect.objectContaining({ type: "pick", orderId: "A-77", lineId: "1", channel: "marketplace", quantity: 2 })]);
    expect(allParsed(rx)[0]).toMatchObject({ lineKey: "marketplace:A-77:1" });
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(8);
    expect(wms.stats()).toMatchObject({ ordersReceived: 1, duplicateOrders: 1, picks: 1 });
  });

  it("refuses an order reference the app could not match to a reservation", async () => {
    const { wms } = await setup();
    const bare = await call(wms.url, "POST", "/orders", { orderId: "A-77", lines: [{ lineId: "1", sku: SKU, quantity: 1 }] });
    expect(bare.status).toBe(400);
    expect(bare.json).toEqual({ error: expect.stringMatching(/^channel:/) });
    const conflicting = await call(wms.url, "POST", "/orders", { orderId: "shopify:1", channel: "pos", lines: [{ lineId: "1", sku: SKU, quantity: 1 }] });
    expect(conflicting.status).toBe(400);
    const colonInLine = await call(wms.url, "POST", "/orders", { orderId: "shopify:1", lines: [{ lineId: "a:b", sku: SKU, quantity: 1 }] });
    expect(colonInLine.status).toBe(400);
    expect(wms.stats().ordersReceived).toBe(0);
  });

  it("without a location, picks from the first location holding the whole line", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-east": 1, "wh-west": 5 } } });
    await call(wms.url, "POST", "/orders", { orderId: "shopify:9", lines: [{ lineId: "1", sku: SKU, quantity: 3 }] });
    await until(() => wms.stats().picks === 1);
    await wms.flush();
    expect(allRaw(rx)).toEqual([expect.objectContaining({ type: "pick", locationId: "wh-west", quantity: 3 })]);
    expect(wms.stock()[SKU]).toEqual({ "wh-east": 1, "wh-west": 2 });
  });

  it("after a silent shrink the picker finds the shelf short: picks what is there, short_pick for the rest", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-east": 4 } } });
    await call(wms.url, "POST", "/_emulator/shrink", { sku: SKU, locationId: "wh-east", quantity: 3 });
    await call(wms.url, "POST", "/orders", { orderId: "shopify:7001", lines: [{ lineId: "1", sku: SKU, quantity: 3, locationId: "wh-east" }] });
    await until(() => wms.stats().shortPicks === 1);
    await wms.flush();

    expect(rx.rejected).toEqual([]);
    expect(allRaw(rx).map((e) => [e.type, e.quantity, e.orderId, e.lineId])).toEqual([
      ["pick", 1, "shopify:7001", "1"],
      ["short_pick", 2, "shopify:7001", "1"],
    ]);
    expect(allParsed(rx).map((e) => ("lineKey" in e ? [e.kind, e.lineKey] : [e.kind]))).toEqual([
      ["pick", "shopify:7001:1"],
      ["short_pick", "shopify:7001:1"],
    ]);
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(0);
    const orders = (await call(wms.url, "GET", "/_emulator/orders")).json as { orders: WmsOrder[] };
    expect(orders.orders[0]).toMatchObject({ status: "short", lines: [{ status: "short", picked: 1, short: 2 }] });
  });

  it("an empty shelf gives only a short_pick", async () => {
    const { wms, rx } = await setup();
    await call(wms.url, "POST", "/orders", { orderId: "shopify:7002", lines: [{ lineId: "1", sku: SKU, quantity: 2 }] });
    await until(() => wms.stats().shortPicks === 1);
    await wms.flush();
    expect(allRaw(rx)).toEqual([expect.objectContaining({ type: "short_pick", quantity: 2, locationId: "wh-east", orderId: "shopify:7002" })]);
    expect(wms.stats()).toMatchObject({ picks: 0, shortPicks: 1, shortUnits: 2 });
  });

  it("paused picking leaves orders open; resuming picks them", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-east": 5 } }, picking: { lagMs: { min: 0, max: 0 }, paused: true } });
    await call(wms.url, "POST", "/orders", { orderId: "shopify:1", lines: [{ lineId: "1", sku: SKU, quantity: 1 }] });
    // Paused: the line is open and no pick is scheduled at all, so none can happen however long we wait.
    expect((await call(wms.url, "GET", "/_emulator/picking")).json).toMatchObject({ paused: true, openLines: 1, nextPickAt: null });
    expect(((await call(wms.url, "GET", "/_emulator/orders?status=open")).json as { orders: WmsOrder[] }).orders).toHaveLength(1);
    expect(wms.stats().picks).toBe(0);

    expect((await call(wms.url, "POST", "/_emulator/picking", { paused: false })).json).toMatchObject({ paused: false });
    await until(() => wms.stats().picks === 1);
    await wms.flush();
    expect(allRaw(rx)).toEqual([expect.objectContaining({ type: "pick", orderId: "shopify:1" })]);
  });

  it("cancelling stops open lines; with restock, picked units come back as a return", async () => {
    const { wms, rx } = await setup({ initialStock: { [SKU]: { "wh-east": 5 } }, picking: { lagMs: { min: 0, max: 0 }, paused: true } });
    await call(wms.url, "POST", "/orders", { orderId: "shopify:open", lines: [{ lineId: "1", sku: SKU, quantity: 1 }] });
    const cancelled = await call(wms.url, "POST", `/orders/${encodeURIComponent("shopify:open")}/cancel`);
    expect(cancelled.json).toMatchObject({ status: "cancelled" });

    await call(wms.url, "POST", "/orders", { orderId: "pos:S-1", lines: [{ lineId: "1", sku: SKU, quantity: 2, locationId: "wh-east" }], pickNow: true });
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(3);
    await call(wms.url, "POST", `/orders/${encodeURIComponent("pos:S-1")}/cancel`, { restock: true });
    // Resumed with nothing open: no pick is scheduled, so the cancelled line can never be picked.
    expect((await call(wms.url, "POST", "/_emulator/picking", { paused: false })).json).toMatchObject({ paused: false, openLines: 0, nextPickAt: null });
    await wms.flush();

    expect(rx.rejected).toEqual([]);
    expect(allRaw(rx).map((e) => [e.type, e.orderId, e.quantity])).toEqual([
      ["pick", "pos:S-1", 2],
      ["return", "pos:S-1", 2],
    ]);
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(5);
  });
});

describe("WMS emulator: batching", () => {
  it("events within batchMs travel together in one {events} body", async () => {
    // The batch window is closed by hand: which events share a body must not depend on how fast they are sent.
    const windows: { close: () => void; ms: number }[] = [];
    const { wms, rx } = await setup({ batchMs: 150, batchTimer: (close, ms) => (windows.push({ close, ms }), () => undefined) });
    for (let i = 0; i < 5; i++) await call(wms.url, "POST", "/_emulator/receive", { sku: SKU, locationId: "wh-east", quantity: 1 });
    // One window opened by the first event, batchMs long; nothing sent while it is open.
    expect(windows.map((w) => w.ms)).toEqual([150]);
    expect(wms.stats().events).toMatchObject({ eventsQueued: 5, eventsSent: 0, batchesSent: 0 });
    expect(rx.deliveries).toHaveLength(0);
    windows[0]?.close();
    await wms.flush();
    expect(rx.deliveries).toHaveLength(1);
    expect(rx.deliveries[0]?.body.events).toHaveLength(5);
    expect(new Set(allRaw(rx).map((e) => e.id)).size).toBe(5);
    expect(wms.stats().events).toMatchObject({ eventsSent: 5, batchesSent: 1, delivered: 1 });
  });

  it("a body never holds more than 500 events", async () => {
    const { wms, rx } = await setup({ batchMs: 60_000, initialStock: { [SKU]: { "wh-east": 10_000 } } });
    for (let o = 0; o < 3; o++) {
      const lines = Array.from({ length: 250 }, (_, i) => ({ lineId: String(i + 1), sku: SKU, quantity: 1, locationId: "wh-east" }));
      expect((await call(wms.url, "POST", "/orders", { orderId: `pos:S-${o}`, lines, pickNow: true })).status).toBe(202);
    }
    await wms.flush();
    expect(rx.rejected).toEqual([]);
    expect(rx.deliveries.map((d) => d.body.events.length)).toEqual([500, 250]);
    expect(allParsed(rx)).toHaveLength(750);
    expect(wms.stock()[SKU]?.["wh-east"]).toBe(10_000 - 750);
  });

  it("the same seed gives the same event ids", async () => {
    const ids: string[][] = [];
    for (let run = 0; run < 2; run++) {
      // The window never closes by itself: a batch sent between the two receipts would draw from the same random and shift the ids.
      const { wms, rx } = await setup({ random: seeded(7), batchTimer: () => () => undefined });
      await call(wms.url, "POST", "/_emulator/receive", { sku: SKU, locationId: "wh-east", quantity: 1 });
      await call(wms.url, "POST", "/_emulator/receive", { sku: SKU, locationId: "wh-east", quantity: 1 });
      await wms.flush();
      ids.push(allRaw(rx).map((e) => e.id));
    }
    expect(ids[0]).toHaveLength(2);
    expect(ids[1]).toEqual(ids[0]);
  });
});
