import { describe, expect, it } from "vitest";
import { parsePosPayload } from "@/lib/sources/pos";
import { parseWmsPayload } from "@/lib/sources/wms";
import { startPosEmulator, type PosEmulator, type PosEmulatorOptions, type PosSale } from "@/emulators/pos";
import { startWmsEmulator } from "@/emulators/wms";
import { emulatorTestHooks, startFakeApp, type FakeApp } from "@/tests/support/fake-app";
import { postJson as post } from "@/tests/support/http-json";

/**
 * The POS emulator: store sales reach a stand-in for the app late, as one signed batch that
 * `parsePosPayload` accepts; the WMS hears about each sale at once.
 */
const SECRET = "pos-test-secret";
const STORE = "store-soho";
const SKU = "TEE-BLK-M";

const cleanups = emulatorTestHooks();

async function setup(overrides: Partial<PosEmulatorOptions> = {}): Promise<{ pos: PosEmulator; rx: FakeApp }> {
  const rx = await startFakeApp({ secret: SECRET, parse: parsePosPayload, path: "/api/webhooks" });
  cleanups.push(() => rx.stop());
  const pos = await startPosEmulator({ port: 0, webhook: { url: rx.url, secret: SECRET }, locationId: STORE, batchEveryMs: 400, ...overrides });
  cleanups.push(() => pos.stop());
  return { pos, rx };
}

const sale = async (base: string, lines: { sku: string; quantity: number; priceCents?: number }[]): Promise<PosSale> => {
  const res = await post(`${base}/_emulator/sale`, { lines });
  expect(res.status).toBe(201);
  return (res.json as { sale: PosSale }).sale;
};

describe("POS emulator", () => {
  it("posts the sales late, as one signed batch the app parses (completed reserve at the store, voided cancel)", async () => {
    // The batch clock is ticked by hand: which sales share a batch must not depend on how fast this machine is.
    let tick = (): void => undefined;
    const { pos, rx } = await setup({ batchTimer: (post) => ((tick = post), () => undefined) });
    const a = await sale(pos.url, [{ sku: SKU, quantity: 1, priceCents: 2500 }]);
    const b = await sale(pos.url, [
      { sku: SKU, quantity: 2 },
      { sku: "MUG-SND", quantity: 1 },
    ]);
    const c = await sale(pos.url, [{ sku: "MUG-SND", quantity: 1 }]);
    expect((await post(`${pos.url}/_emulator/void/${c.id}`)).status).toBe(200);
    expect((await post(`${pos.url}/_emulator/void/${c.id}`)).status).toBe(409);
    expect((await post(`${pos.url}/_emulator/void/S-nope`)).status).toBe(404);

    // Until the batch clock ticks nothing is sent: the sales wait.
    expect(pos.stats()).toMatchObject({ batchesPosted: 0, pendingSales: 3, delivery: expect.objectContaining({ sent: 0 }) });
    expect(rx.deliveries).toHaveLength(0);
    tick();
    await rx.waitFor(1, 30_000);
    expect(rx.rejected).toEqual([]);
    expect(rx.deliveries).toHaveLength(1);

    const batch = rx.deliveries[0]?.body as { batchId: string; locationId: string; sales: PosSale[] };
    expect(batch.locationId).toBe(STORE);
    expect(batch.batchId).toMatch(/^B-[0-9a-z]{4}-1$/);
    expect(batch.sales.map((s) => [s.id, s.status])).toEqual([
      [a.id, "completed"],
      [b.id, "completed"],
      [c.id, "voided"],
    ]);
    expect(rx.deliveries[0]?.events).toEqual([
      expect.objectContaining({ kind: "reserve", channel: "pos", locationId: STORE, lineKey: `pos:${a.id}:1`, quantity: 1, valueCents: 2500 }),
      expect.objectContaining({ kind: "reserve", locationId: STORE, lineKey: `pos:${b.id}:1`, quantity: 2 }),
      expect.objectContaining({ kind: "reserve", locationId: STORE, lineKey: `pos:${b.id}:2`, sku: "MUG-SND", quantity: 1 }),
      expect.objectContaining({ kind: "cancel_line", lineKey: `pos:${c.id}:1` }),
    ]);

    // Nothing new: the next tick posts nothing.
    tick();
    await pos.flush();
    expect(rx.deliveries).toHaveLength(1);
    expect(pos.stats()).toMatchObject({ sales: 3, voids: 1, batchesPosted: 1, salesPosted: 3, pendingSales: 0 });
  });

  it("the batch clock runs by itself: a sale goes out one interval later, not before", async () => {
    const started = Date.now();
    const { pos, rx } = await setup({ batchEveryMs: 200 });
    await sale(pos.url, [{ sku: SKU, quantity: 1 }]);
    await rx.waitFor(1, 30_000);
    expect(rx.deliveries).toHaveLength(1);
    // A lower bound only (timers never fire early by more than a millisecond); how late is the machine's business.
    expect((rx.deliveries[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(190);
    expect(pos.stats()).toMatchObject({ batchesPosted: 1, salesPosted: 1, pendingSales: 0 });
  });

  it("a void after the batch went out is posted in the next one; flush posts now", async () => {
    const { pos, rx } = await setup({ batchEveryMs: 60_000 });
    const s = await sale(pos.url, [{ sku: SKU, quantity: 1 }]);
    await post(`${pos.url}/_emulator/flush`);
    await post(`${pos.url}/_emulator/void/${s.id}`);
    expect(rx.deliveries).toHaveLength(1);
    await pos.flush();
    expect(rx.rejected).toEqual([]);
    expect(rx.deliveries.map((d) => (d.body as { sales: PosSale[] }).sales.map((x) => x.status))).toEqual([["completed"], ["voided"]]);
    expect(rx.deliveries.flatMap((d) => d.events).map((e) => e.kind)).toEqual(["reserve", "cancel_line"]);
    await pos.flush();
    expect(rx.deliveries).toHaveLength(2);
  });

  it("rejects a sale the app could not parse", async () => {
    const { pos } = await setup();
    expect((await post(`${pos.url}/_emulator/sale`, { lines: [] })).status).toBe(400);
    expect((await post(`${pos.url}/_emulator/sale`, { lines: [{ sku: "S".repeat(256), quantity: 1 }] })).status).toBe(400);
    expect(pos.stats().sales).toBe(0);
  });

  it("two walk-ins for the last free unit, at the same instant: one sale, one refusal (409), never a unit sold twice or one set aside for an order", async () => {
    const wmsRx = await startFakeApp({ secret: "wms-secret", parse: parseWmsPayload, path: "/api/webhooks" });
    cleanups.push(() => wmsRx.stop());
    const wms = await startWmsEmulator({
      port: 0,
      webhook: { url: wmsRx.url, secret: "wms-secret" },
      locations: [STORE],
      initialStock: { [SKU]: { [STORE]: 2 } },
      picking: { lagMs: { min: 60_000, max: 60_000 } },
      batchMs: 5,
    });
    cleanups.push(() => wms.stop());
    const { pos } = await setup({ batchEveryMs: 60_000, fulfillmentUrl: `${wms.url}/orders` });
    // An online order waits for one of the two units: only one is free for the till.
    expect((await post(`${wms.url}/orders`, { orderId: "shopify:1", lines: [{ lineId: "1", sku: SKU, quantity: 1, locationId: STORE }] })).status).toBe(202);
    const tries = await Promise.all([1, 2].map(() => post(`${pos.url}/_emulator/sale`, { lines: [{ sku: SKU, quantity: 1 }] })));
    expect(tries.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(wms.stock()[SKU]).toEqual({ [STORE]: 1 });
    const sales = (await (await fetch(`${pos.url}/_emulator/sales`)).json()) as { sales: PosSale[] };
    expect(sales.sales).toHaveLength(1);
  });

  it("the unit leaves the store shelf at once: the WMS picks it under the same line key; a void puts it back", async () => {
    const wmsRx = await startFakeApp({ secret: "wms-secret", parse: parseWmsPayload, path: "/api/webhooks" });
    cleanups.push(() => wmsRx.stop());
    const wms = await startWmsEmulator({
      port: 0,
      webhook: { url: wmsRx.url, secret: "wms-secret" },
      locations: ["wh-east", STORE],
      initialStock: { [SKU]: { [STORE]: 3, "wh-east": 50 } },
      // A warehouse picker would take minutes; a store sale does not wait for one.
      picking: { lagMs: { min: 60_000, max: 60_000 } },
      batchMs: 5,
    });
    cleanups.push(() => wms.stop());
    const { pos, rx } = await setup({ batchEveryMs: 60_000, fulfillmentUrl: `${wms.url}/orders` });

    const s = await sale(pos.url, [{ sku: SKU, quantity: 2 }]);
    await pos.flush();
    expect(wms.stock()[SKU]).toEqual({ "wh-east": 50, [STORE]: 1 });
    await wms.flush();
    expect([rx.rejected, wmsRx.rejected]).toEqual([[], []]);
    const pick = wmsRx.deliveries[0]?.events[0];
    expect(pick).toMatchObject({ kind: "pick", locationId: STORE, quantity: 2, lineKey: `pos:${s.id}:1` });
    expect(rx.deliveries[0]?.events[0]).toMatchObject({ kind: "reserve", lineKey: `pos:${s.id}:1` });

    await post(`${pos.url}/_emulator/void/${s.id}`);
    await pos.flush();
    await wms.flush();
    expect(wms.stock()[SKU]?.[STORE]).toBe(3);
    expect(wmsRx.deliveries.flatMap((d) => d.events).map((e) => [e.kind, "locationId" in e ? e.locationId : undefined])).toEqual([
      ["pick", STORE],
      ["return", STORE],
    ]);
    expect(pos.stats().fulfillment).toMatchObject({ requested: 1, accepted: 1, cancelled: 1, failed: 0 });
  });
});
