import type * as StateFile from "@/emulators/shared/state-file";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseMarketplacePayload } from "@/lib/sources/marketplace";
import { parsePosPayload } from "@/lib/sources/pos";
import { parseWmsPayload, type WmsEvent } from "@/lib/sources/wms";
import { startErpEmulator, type ErpEmulator } from "@/emulators/erp";
import { startMarketplaceEmulator, type MarketOrder, type MarketplaceEmulator, type MarketplaceEmulatorOptions } from "@/emulators/marketplace";
import { startPosEmulator, type PosEmulator, type PosEmulatorOptions, type PosSale } from "@/emulators/pos";
import { loadStateFile, StateFileError } from "@/emulators/shared/state-file";
import type { DeliveryProfile } from "@/emulators/shared/webhook-sender";
import { startWmsEmulator, type WmsEmulator, type WmsEmulatorOptions, type WmsOrder } from "@/emulators/wms";
import { wmsStateSchema } from "@/emulators/wms/saved-state";
import { freePort } from "@/harness/ports";
import { emulatorTestHooks, seeded, startFakeApp, type FakeApp } from "@/tests/support/fake-app";
import { apiHeaders, requestJson, type JsonAnswer } from "@/tests/support/http-json";

/**
 * The emulated world survives a restart the way the real systems do (issue 20): each emulator
 * given a state file resumes from it: after a clean stop, after a crash (a copy of the file
 * taken while it ran), with what it had not delivered yet delivered afterwards; a torn file is
 * refused, never replaced by an empty world; without a state file nothing is persisted.
 */

// Counts the persistence calls (wrappers, not vi.fn: the shared hooks restore mocks after each test).
const persistCalls = vi.hoisted(() => ({ load: 0, persist: 0 }));
vi.mock("@/emulators/shared/state-file", async (importOriginal) => {
  const real = await importOriginal<typeof StateFile>();
  return {
    ...real,
    loadStateFile: (...args: Parameters<typeof real.loadStateFile>) => {
      persistCalls.load++;
      return real.loadStateFile(...args);
    },
    persistTo: (...args: Parameters<typeof real.persistTo>) => {
      persistCalls.persist++;
      return real.persistTo(...args);
    },
  };
});

const SECRET = "restart-test-secret";
const API_KEY = "restart-test-key";
const SKU = "TEE-BLK-M";
const STORE = "store-soho";
/** Long enough that nothing leaves before the stop a few requests later, short enough to wait for after the restart. */
const LATE: DeliveryProfile = { lagMs: { min: 800, max: 800 }, duplicateRate: 0, maxAttempts: 8 };

const cleanups = emulatorTestHooks();
const dir = mkdtempSync(path.join(os.tmpdir(), "emulators-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileSeq = 0;
const stateFile = (name: string): string => path.join(dir, `${name}-${++fileSeq}.json`);
/** A crash: the file as it is on disk right now, while the emulator keeps running. */
const crashCopy = (file: string): string => {
  const copy = `${file}.crash-${++fileSeq}.json`;
  copyFileSync(file, copy);
  return copy;
};

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

const get = async <T>(url: string): Promise<T> => (await requestJson(url)).json as T;
const post = (url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> => requestJson(url, { method: "POST", body, headers });

// ------------------------------------------------------------------ WMS

type WmsBody = { events: WmsEvent[] };

async function wmsReceiver(): Promise<FakeApp<WmsBody>> {
  const rx = await startFakeApp<WmsBody>({ secret: SECRET, parse: parseWmsPayload, path: "/api/webhooks/wms" });
  cleanups.push(() => rx.stop());
  return rx;
}

async function startWms(rx: FakeApp<WmsBody>, file: string | undefined, overrides: Partial<WmsEmulatorOptions> = {}): Promise<WmsEmulator> {
  const wms = await startWmsEmulator({
    port: 0,
    webhook: { url: rx.url, secret: SECRET },
    locations: ["wh-east", "wh-west", STORE],
    initialStock: { [SKU]: { "wh-east": 10 } },
    picking: { lagMs: { min: 20, max: 40 } },
    batchMs: 10,
    random: seeded(7),
    ...(file ? { stateFile: file } : {}),
    ...overrides,
  });
  cleanups.push(() => wms.stop());
  return wms;
}

interface WmsView {
  stock: Record<string, Record<string, number>>;
  orders: WmsOrder[];
  picking: { paused: boolean; lagMs: { min: number; max: number } };
}
const wmsView = async (wms: WmsEmulator): Promise<WmsView> => {
  const [stock, { orders }, { paused, lagMs }] = await Promise.all([
    get<WmsView["stock"]>(`${wms.url}/_emulator/stock`),
    get<{ orders: WmsOrder[] }>(`${wms.url}/_emulator/orders`),
    get<WmsView["picking"]>(`${wms.url}/_emulator/picking`),
  ]);
  return { stock, orders, picking: { paused, lagMs } };
};
const wmsOrder = (wms: WmsEmulator, orderId: string): Promise<WmsOrder> => get<WmsOrder>(`${wms.url}/orders/${encodeURIComponent(orderId)}`);
const eventSeq = (e: WmsEvent): number => Number(/^wms-(\d+)-/.exec(e.id)?.[1]);
const order = (orderId: string, quantity: number) => ({ orderId, lines: [{ lineId: "1", sku: SKU, quantity }] });

describe("WMS restart", () => {
  it("a clean restart resumes the same floor: stock, open and closed orders, the paused picker, the dedupe, increasing event ids", async () => {
    const rx = await wmsReceiver();
    const file = stateFile("wms");
    const a = await startWms(rx, file);
    expect((await post(`${a.url}/_emulator/receive`, { sku: SKU, locationId: "wh-west", quantity: 4 })).status).toBe(200);
    expect((await post(`${a.url}/orders`, order("shopify:1001", 3))).status).toBe(202);
    await until("shopify:1001 picked", async () => (await wmsOrder(a, "shopify:1001")).status === "picked");
    expect((await post(`${a.url}/_emulator/picking`, { paused: true })).status).toBe(200);
    expect((await post(`${a.url}/orders`, order("shopify:1002", 2))).status).toBe(202);
    await a.flush();
    const before = await wmsView(a);
    expect(before.stock[SKU]).toEqual({ "wh-east": 7, "wh-west": 4, [STORE]: 0 });
    expect(before.orders.map((o) => [o.orderId, o.status])).toEqual([
      ["shopify:1001", "picked"],
      ["shopify:1002", "open"],
    ]);
    const seqBefore = Math.max(...rx.deliveries.flatMap((d) => d.body.events).map(eventSeq));
    await a.stop();

    // initialStock is ignored: the file holds the world.
    const b = await startWms(rx, file, { initialStock: { [SKU]: { "wh-east": 99 } } });
    expect(await wmsView(b)).toEqual(before);
    const again = await post(`${b.url}/orders`, order("shopify:1001", 3));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, status: "picked" });

    // The open order's due time survived: resuming the picker picks it at once.
    rx.clear();
    expect((await post(`${b.url}/_emulator/picking`, { paused: false })).status).toBe(200);
    await until("shopify:1002 picked", async () => (await wmsOrder(b, "shopify:1002")).status === "picked");
    await b.flush();
    const picks = rx.deliveries.flatMap((d) => d.body.events);
    expect(picks.map((e) => [e.type, e.orderId, e.quantity])).toEqual([["pick", "shopify:1002", 2]]);
    expect(Math.min(...picks.map(eventSeq))).toBeGreaterThan(seqBefore);
    expect(b.stock()[SKU]).toEqual({ "wh-east": 5, "wh-west": 4, [STORE]: 0 });
  });

  it("after a crash, a copy of the file taken while it ran holds everything answered so far", async () => {
    const rx = await wmsReceiver();
    const file = stateFile("wms");
    // The batch never leaves by itself here, so only the pick itself can have saved it.
    const a = await startWms(rx, file, { batchTimer: () => () => undefined });
    // A pick happens on the picker's timer, after every answer: it is saved by itself.
    await post(`${a.url}/orders`, order("shopify:2000", 1));
    await until("shopify:2000 picked", async () => (await wmsOrder(a, "shopify:2000")).status === "picked");
    const afterPick = crashCopy(file);
    await post(`${a.url}/_emulator/picking`, { lagMs: { min: 60_000, max: 60_000 } });
    await post(`${a.url}/_emulator/damage`, { sku: SKU, locationId: "wh-east", quantity: 1 });
    await post(`${a.url}/orders`, order("marketplace:MKT-1", 2));
    expect((await post(`${a.url}/orders/${encodeURIComponent("marketplace:MKT-1")}/cancel`, { restock: false })).status).toBe(200);
    await post(`${a.url}/orders`, order("shopify:2001", 1));
    const answered = await wmsView(a);
    const copy = crashCopy(file);

    const b = await startWms(rx, copy);
    expect(await wmsView(b)).toEqual(answered);
    expect(answered.orders.map((o) => [o.orderId, o.status])).toEqual([
      ["shopify:2000", "picked"],
      ["marketplace:MKT-1", "cancelled"],
      ["shopify:2001", "open"],
    ]);
    expect(answered.stock[SKU]?.["wh-east"]).toBe(8);

    // Read from the file itself: a restarted WMS would pick an overdue line again and look the same.
    const savedAfterPick = loadStateFile(afterPick, wmsStateSchema);
    expect(savedAfterPick?.warehouse.orders.map((o) => [o.orderId, o.status])).toEqual([["shopify:2000", "picked"]]);
    expect(savedAfterPick?.batched.map((e) => [e.type, e.orderId])).toEqual([["pick", "shopify:2000"]]);
  });

  it("an undelivered webhook, a batch not yet sent and a scheduled pick at the stop all happen after the restart", async () => {
    const rx = await wmsReceiver();
    const file = stateFile("wms");
    let tick = (): void => undefined;
    const a = await startWms(rx, file, {
      webhook: { url: rx.url, secret: SECRET, delivery: LATE },
      batchTimer: (flush) => ((tick = flush), () => undefined),
      picking: { lagMs: { min: 800, max: 800 } },
    });
    await post(`${a.url}/_emulator/receive`, { sku: SKU, locationId: "wh-east", quantity: 5 });
    tick(); // the first receipt is now with the sender, due in 800 ms
    await post(`${a.url}/_emulator/receive`, { sku: SKU, locationId: "wh-west", quantity: 2 }); // still in the batch
    expect((await post(`${a.url}/orders`, order("shopify:3001", 1))).status).toBe(202); // picked in 800 ms
    await a.stop();
    expect(rx.deliveries).toHaveLength(0);

    const b = await startWms(rx, file);
    await until("both receipts and the pick delivered", () => rx.deliveries.flatMap((d) => d.body.events).length >= 3);
    await b.flush();
    expect(rx.rejected).toEqual([]);
    const events = rx.deliveries.flatMap((d) => d.body.events);
    expect(events.map((e) => [e.type, e.locationId, e.quantity]).sort()).toEqual([
      ["pick", "wh-east", 1],
      ["receipt", "wh-east", 5],
      ["receipt", "wh-west", 2],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    expect((await wmsOrder(b, "shopify:3001")).status).toBe("picked");
    expect(b.stock()[SKU]).toEqual({ "wh-east": 14, "wh-west": 2, [STORE]: 0 });
  });
});

// ------------------------------------------------------------------ marketplace

async function startMarket(rx: FakeApp, file: string | undefined, overrides: Partial<MarketplaceEmulatorOptions> = {}): Promise<MarketplaceEmulator> {
  const mkt = await startMarketplaceEmulator({
    port: 0,
    apiKey: API_KEY,
    webhook: { url: rx.url, secret: SECRET, delivery: { lagMs: { min: 0, max: 0 }, duplicateRate: 0, maxAttempts: 8 } },
    initialListings: { [SKU]: 5 },
    random: seeded(3),
    ...(file ? { stateFile: file } : {}),
    ...overrides,
  });
  cleanups.push(() => mkt.stop());
  return mkt;
}

const seller = (mkt: MarketplaceEmulator, method: string, route: string, body: unknown, idem?: string): Promise<JsonAnswer> =>
  requestJson(`${mkt.url}${route}`, { method, body, headers: apiHeaders(API_KEY, idem === undefined ? {} : { idem }) });
const marketOrders = async (mkt: MarketplaceEmulator): Promise<MarketOrder[]> => (await get<{ orders: MarketOrder[] }>(`${mkt.url}/_emulator/orders`)).orders;
const buy = async (mkt: MarketplaceEmulator, quantity: number): Promise<MarketOrder> => {
  const res = await post(`${mkt.url}/_emulator/purchase`, { sku: SKU, quantity });
  expect(res.status).toBe(201);
  return (res.json as { order: MarketOrder }).order;
};
const orderSeq = (o: MarketOrder): { tag: string; seq: number } => {
  const [, tag = "", seq = "0"] = /^MKT-([0-9a-z]+)-(\d+)$/.exec(o.id) ?? [];
  return { tag, seq: Number(seq) };
};

describe("marketplace restart", () => {
  it("resumes listings, orders, idempotency keys and id sequences; unsent notifications and forwards to the WMS arrive after the restart", async () => {
    const rx = await startFakeApp({ secret: SECRET, parse: parseMarketplacePayload, path: "/api/webhooks" });
    cleanups.push(() => rx.stop());
    const file = stateFile("marketplace");
    // The WMS is down while the first instance runs: its forwards wait in their retries.
    const a = await startMarket(rx, file, {
      webhook: { url: rx.url, secret: SECRET, delivery: LATE },
      fulfillmentUrl: `http://127.0.0.1:${await freePort()}/orders`,
    });
    const adjust = { items: [{ sku: SKU, delta: 3 }] };
    expect((await seller(a, "POST", "/v1/inventory/adjustments", adjust, "adj-1")).status).toBe(200);
    const first = await buy(a, 2);
    const second = await buy(a, 1);
    expect((await post(`${a.url}/_emulator/orders/${second.id}/cancel`)).status).toBe(200);
    const orders = await marketOrders(a);
    expect(a.listings()).toEqual({ [SKU]: 6 });
    await a.stop();
    expect(rx.deliveries).toHaveLength(0);

    const wmsRx = await wmsReceiver();
    const wms = await startWms(wmsRx, undefined);
    const b = await startMarket(rx, file, { initialListings: { [SKU]: 99 }, fulfillmentUrl: `${wms.url}/orders` });
    expect(b.listings()).toEqual({ [SKU]: 6 });
    expect(await marketOrders(b)).toEqual(orders);

    // A retried seller call is still a replay; the key with another body is still refused.
    const replay = await seller(b, "POST", "/v1/inventory/adjustments", adjust, "adj-1");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json).toEqual({ items: [{ sku: SKU, delta: 3, applied: 3, quantity: 8 }] });
    expect((await seller(b, "POST", "/v1/inventory/adjustments", { items: [{ sku: SKU, delta: 4 }] }, "adj-1")).status).toBe(422);
    expect(b.listings()).toEqual({ [SKU]: 6 });
    expect((await seller(b, "PUT", `/v1/inventory/${SKU}`, { quantity: 6, expectedQuantity: 6 }, "put-1")).status).toBe(200);

    const third = await buy(b, 1);
    expect(orderSeq(third)).toEqual({ tag: orderSeq(first).tag, seq: orderSeq(second).seq + 1 });

    // What was not delivered at the stop: three notifications (plus the new one), three calls to the WMS.
    await until("4 notifications", () => rx.deliveries.length >= 4);
    await b.idle();
    expect(rx.rejected).toEqual([]);
    const notes = rx.deliveries.map((d) => d.body as { id: string; type: string; order: { id: string } });
    expect(notes.map((n) => `${n.type} ${n.order.id}`).sort()).toEqual(
      [`order.created ${first.id}`, `order.created ${second.id}`, `order.cancelled ${second.id}`, `order.created ${third.id}`].sort(),
    );
    expect(new Set(notes.map((n) => n.id)).size).toBe(4);
    await until("WMS holds the forwarded orders", async () => (await wmsView(wms)).orders.length === 3);
    const atWms = Object.fromEntries((await wmsView(wms)).orders.map((o) => [o.orderId, o.status]));
    expect(atWms[`marketplace:${second.id}`]).toBe("cancelled");
    expect(Object.keys(atWms).sort()).toEqual([first, second, third].map((o) => `marketplace:${o.id}`).sort());
  });

  it("after a crash, a copy of the file taken while it ran holds everything answered so far", async () => {
    const rx = await startFakeApp({ secret: SECRET, parse: parseMarketplacePayload, path: "/api/webhooks" });
    cleanups.push(() => rx.stop());
    const file = stateFile("marketplace");
    const a = await startMarket(rx, file);
    expect((await seller(a, "POST", "/v1/inventory/adjustments", { items: [{ sku: "MUG-SND", delta: 2 }] }, "adj-9")).status).toBe(200);
    const bought = await buy(a, 4);
    const answered = { listings: a.listings(), orders: await marketOrders(a) };
    const copy = crashCopy(file);

    const b = await startMarket(rx, copy);
    expect({ listings: b.listings(), orders: await marketOrders(b) }).toEqual(answered);
    expect(answered.listings).toEqual({ [SKU]: 1, "MUG-SND": 2 });
    expect((await seller(b, "POST", "/v1/inventory/adjustments", { items: [{ sku: "MUG-SND", delta: 2 }] }, "adj-9")).headers.get("idempotent-replayed")).toBe(
      "true",
    );
    expect(orderSeq(await buy(b, 1)).seq).toBe(orderSeq(bought).seq + 1);
  });
});

// ------------------------------------------------------------------ POS

async function startTill(rx: FakeApp, file: string | undefined, overrides: Partial<PosEmulatorOptions> = {}): Promise<PosEmulator> {
  const pos = await startPosEmulator({
    port: 0,
    webhook: { url: rx.url, secret: SECRET },
    locationId: STORE,
    batchTimer: () => () => undefined,
    random: seeded(5),
    ...(file ? { stateFile: file } : {}),
    ...overrides,
  });
  cleanups.push(() => pos.stop());
  return pos;
}

const sell = async (pos: PosEmulator, quantity: number): Promise<PosSale> => {
  const res = await post(`${pos.url}/_emulator/sale`, { lines: [{ sku: SKU, quantity }] });
  expect(res.status).toBe(201);
  return (res.json as { sale: PosSale }).sale;
};
const till = (pos: PosEmulator) => get<{ sales: PosSale[]; pending: string[] }>(`${pos.url}/_emulator/sales`);

describe("POS restart", () => {
  it("resumes the till: sales not yet posted go out in the next batch, a void's restock reaches a WMS that was down, ids keep counting", async () => {
    const rx = await startFakeApp({ secret: SECRET, parse: parsePosPayload, path: "/api/webhooks" });
    cleanups.push(() => rx.stop());
    const wmsRx = await wmsReceiver();
    const wmsFile = stateFile("wms");
    const posFile = stateFile("pos");
    const wmsA = await startWms(wmsRx, wmsFile, { initialStock: { [SKU]: { [STORE]: 5 } } });
    const a = await startTill(rx, posFile, { fulfillmentUrl: `${wmsA.url}/orders` });
    const s1 = await sell(a, 1);
    const s2 = await sell(a, 2);
    const crash = { copy: crashCopy(posFile), answered: await till(a) };
    expect(wmsA.stock()[SKU]?.[STORE]).toBe(2);
    await wmsA.stop();
    // The WMS is down: the void is answered, its restock waits in the client's retries.
    expect((await post(`${a.url}/_emulator/void/${s2.id}`)).status).toBe(200);
    const answered = await till(a);
    await a.stop();
    expect(rx.deliveries).toHaveLength(0);

    const wmsB = await startWms(wmsRx, wmsFile);
    let tick = (): void => undefined;
    const b = await startTill(rx, posFile, { fulfillmentUrl: `${wmsB.url}/orders`, batchTimer: (postBatch) => ((tick = postBatch), () => undefined) });
    expect(await till(b)).toEqual(answered);
    expect(answered.pending).toEqual([s1.id, s2.id]);
    await until("the void restocked at the WMS", async () => (await wmsOrder(wmsB, `pos:${s2.id}`)).status === "cancelled");
    expect(wmsB.stock()[SKU]?.[STORE]).toBe(4);
    expect((await post(`${b.url}/_emulator/void/${s2.id}`)).status).toBe(409);

    tick();
    await until("the batch", () => rx.deliveries.length >= 1);
    await b.flush();
    expect(rx.rejected).toEqual([]);
    expect(rx.deliveries).toHaveLength(1);
    const batch = rx.deliveries[0]?.body as { batchId: string; sales: PosSale[] };
    expect(batch.sales.map((s) => [s.id, s.status])).toEqual([
      [s1.id, "completed"],
      [s2.id, "voided"],
    ]);
    const tag = s1.id.split("-")[1] ?? "";
    expect(batch.batchId).toBe(`B-${tag}-1`);
    expect((await sell(b, 1)).id).toBe(`S-${tag}-000003`);

    // The crash copy, taken after the two sales, before the void.
    const c = await startTill(rx, crash.copy);
    expect(await till(c)).toEqual(crash.answered);
    expect(crash.answered.sales.map((s) => s.status)).toEqual(["completed", "completed"]);
  });
});

// ------------------------------------------------------------------ ERP

async function startErp(file: string | undefined): Promise<ErpEmulator> {
  const erp = await startErpEmulator({ port: 0, apiKey: API_KEY, ...(file ? { stateFile: file } : {}) });
  cleanups.push(() => erp.stop());
  return erp;
}

const erpPush = (erp: ErpEmulator, route: string, body: unknown, idem?: string): Promise<JsonAnswer> =>
  requestJson(`${erp.url}${route}`, { method: "POST", body, headers: apiHeaders(API_KEY, idem === undefined ? {} : { idem }) });
const movement = (id: string) => ({ id, sku: SKU, kind: "pick", occurredAt: "2026-11-27T10:00:00.000Z", locationId: "wh-east", quantity: 1 });

describe("ERP restart", () => {
  it("resumes its books after a clean stop and after a crash: projections, movements (still deduped), idempotent replays", async () => {
    const file = stateFile("erp");
    const a = await startErp(file);
    const projections = {
      items: [
        { sku: SKU, available: 4, onHand: 6, reserved: 2, asOf: "2026-11-27T10:00:05.000Z" },
        { sku: SKU, locationId: "wh-east", available: 3, asOf: "2026-11-27T10:00:05.000Z" },
      ],
    };
    expect((await erpPush(a, "/api/projections", projections, "p-1")).status).toBe(200);
    expect((await erpPush(a, "/api/movements", { items: [movement("wms:wms-1-aaaaaa")] }, "m-1")).json).toEqual({ accepted: 1, duplicates: 0 });
    const copy = crashCopy(file);
    const answered = { projections: a.projections(), movements: a.movements() };
    await a.stop();

    for (const source of [file, copy]) {
      const b = await startErp(source);
      expect({ projections: b.projections(), movements: b.movements() }).toEqual(answered);
      const replay = await erpPush(b, "/api/movements", { items: [movement("wms:wms-1-aaaaaa")] }, "m-1");
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.json).toEqual({ accepted: 1, duplicates: 0 });
      expect((await erpPush(b, "/api/movements", { items: [movement("wms:wms-1-aaaaaa"), movement("wms:wms-2-bbbbbb")] }, "m-2")).json).toEqual({
        accepted: 1,
        duplicates: 1,
      });
      await b.stop();
    }
  });
});

// ------------------------------------------------------------------ every emulator: torn files, no state file

interface Subject {
  name: string;
  start(file: string | undefined): Promise<{ url: string; stop(): Promise<void> }>;
  /** One change through the emulator's HTTP API. */
  mutate(url: string): Promise<JsonAnswer>;
}

const subjects: Subject[] = [
  {
    name: "wms",
    start: async (file) => startWms(await wmsReceiver(), file),
    mutate: (url) => post(`${url}/_emulator/receive`, { sku: SKU, locationId: "wh-east", quantity: 1 }),
  },
  {
    name: "marketplace",
    start: async (file) => {
      const rx = await startFakeApp({ secret: SECRET });
      cleanups.push(() => rx.stop());
      return startMarket(rx, file);
    },
    mutate: (url) => post(`${url}/_emulator/listings`, { sku: SKU, quantity: 3 }),
  },
  {
    name: "pos",
    start: async (file) => {
      const rx = await startFakeApp({ secret: SECRET });
      cleanups.push(() => rx.stop());
      return startTill(rx, file);
    },
    mutate: (url) => post(`${url}/_emulator/sale`, { lines: [{ sku: SKU, quantity: 1 }] }),
  },
  {
    name: "erp",
    start: (file) => startErp(file),
    mutate: (url) =>
      requestJson(`${url}/api/projections`, {
        method: "POST",
        body: { items: [{ sku: SKU, available: 1, asOf: "2026-11-27T10:00:00.000Z" }] },
        headers: apiHeaders(API_KEY, {}),
      }),
  },
];

describe.each(subjects)("$name state file", (subject) => {
  it("a torn file (truncated, or one byte flipped) is refused, naming the file, and left as it was", async () => {
    const file = stateFile(subject.name);
    const a = await subject.start(file);
    expect((await subject.mutate(a.url)).status).toBeLessThan(300);
    await a.stop();
    const whole = readFileSync(file, "utf8");

    truncateSync(file, Math.floor(whole.length / 2));
    await expect(subject.start(file)).rejects.toThrow(StateFileError);
    await expect(subject.start(file)).rejects.toThrow(file);

    // A digit inside the state (still valid JSON): only the checksum can tell.
    const at = whole.indexOf('"state":"') + 9 + whole.slice(whole.indexOf('"state":"') + 9).search(/[0-9]/);
    const flipped = `${whole.slice(0, at)}${whole[at] === "1" ? "2" : "1"}${whole.slice(at + 1)}`;
    writeFileSync(file, flipped);
    await expect(subject.start(file)).rejects.toThrow(/checksum mismatch/);
    expect(readFileSync(file, "utf8")).toBe(flipped);

    writeFileSync(file, whole);
    await (await subject.start(file)).stop();
  });

  it("without a state file nothing is loaded or persisted", async () => {
    persistCalls.load = 0;
    persistCalls.persist = 0;
    const a = await subject.start(undefined);
    expect((await subject.mutate(a.url)).status).toBeLessThan(300);
    await a.stop();
    expect(persistCalls).toEqual({ load: 0, persist: 0 });
    // The counters do see a run with a file, so the assertion above can fail.
    await (await subject.start(stateFile(subject.name))).stop();
    expect(persistCalls).toEqual({ load: 1, persist: 1 });
  });
});
