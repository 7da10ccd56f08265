import { describe, expect, it } from "vitest";
import { createErpClient } from "@/lib/erp/client";
import { startErpEmulator, type ErpEmulator, type ErpProjections } from "@/emulators/erp";
import { emulatorTestHooks } from "@/tests/support/fake-app";
import { apiHeaders, requestJson, type JsonAnswer } from "@/tests/support/http-json";

/** The ERP emulator: a Bearer-protected, idempotent sink for what the app pushes. */
const API_KEY = "erp-test-key";

const cleanups = emulatorTestHooks();

async function setup(): Promise<ErpEmulator> {
  const erp = await startErpEmulator({ port: 0, apiKey: API_KEY });
  cleanups.push(() => erp.stop());
  return erp;
}

async function push(base: string, path: string, body: unknown, opts: { key?: string | null; idem?: string } = {}): Promise<JsonAnswer> {
  return requestJson(`${base}${path}`, { method: "POST", body, headers: apiHeaders(API_KEY, opts) });
}

const T1 = "2026-11-27T10:00:00.000Z";
const T2 = "2026-11-27T10:00:05.000Z";

describe("ERP emulator", () => {
  it("refuses calls without the key", async () => {
    const erp = await setup();
    const items = [{ sku: "TEE-BLK-M", available: 4, asOf: T1 }];
    expect((await push(erp.url, "/api/projections", { items }, { key: null })).status).toBe(401);
    expect((await push(erp.url, "/api/projections", { items }, { key: "wrong" })).status).toBe(401);
    expect(erp.projections()).toEqual({ projections: {}, byLocation: {} });
    expect(erp.stats().unauthorized).toBe(2);
  });

  it("stores the newest projection per SKU (and per location), ignoring older ones that arrive late", async () => {
    const erp = await setup();
    const first = await push(erp.url, "/api/projections", {
      items: [
        { sku: "TEE-BLK-M", available: 4, onHand: 6, reserved: 2, asOf: T2 },
        { sku: "TEE-BLK-M", locationId: "wh-east", available: 3, asOf: T2 },
      ],
    });
    expect(first).toMatchObject({ status: 200, json: { accepted: 2, stale: 0 } });
    const late = await push(erp.url, "/api/projections", { items: [{ sku: "TEE-BLK-M", available: 9, asOf: T1 }] });
    expect(late.json).toEqual({ accepted: 1, stale: 1 });

    const view = (await (await fetch(`${erp.url}/_emulator/projections`)).json()) as ErpProjections;
    expect(view.projections["TEE-BLK-M"]).toMatchObject({ available: 4, onHand: 6, reserved: 2, asOf: T2 });
    expect(view.byLocation["TEE-BLK-M"]?.["wh-east"]).toMatchObject({ available: 3, asOf: T2 });
    expect(view).toEqual(erp.projections());
  });

  it("an Idempotency-Key makes a re-sent batch a no-op; the same key with another body is 422", async () => {
    const erp = await setup();
    const body = { items: [{ sku: "MUG-SND", available: 7, asOf: T1 }] };
    const first = await push(erp.url, "/api/projections", body, { idem: "erp:batch:1" });
    const again = await push(erp.url, "/api/projections", body, { idem: "erp:batch:1" });
    expect(again.json).toEqual(first.json);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(erp.stats()).toMatchObject({ projectionItems: 1, idempotentReplays: 1 });

    const other = await push(erp.url, "/api/projections", { items: [{ sku: "MUG-SND", available: 1, asOf: T2 }] }, { idem: "erp:batch:1" });
    expect(other.status).toBe(422);
    expect(erp.projections().projections["MUG-SND"]?.available).toBe(7);
  });

  it("keeps movements once per id", async () => {
    const erp = await setup();
    const movement = {
      id: "wms:wms-1-abcdef",
      sku: "MUG-SND",
      kind: "receipt",
      occurredAt: T1,
      locationId: "wh-east",
      quantity: 5,
      before: 0,
      after: 5,
      sourceUri: "wms://events/wms-1-abcdef",
    };
    expect((await push(erp.url, "/api/movements", { items: [movement] })).json).toEqual({ accepted: 1, duplicates: 0 });
    expect((await push(erp.url, "/api/movements", { items: [movement, { ...movement, id: "wms:wms-2-abcdef" }] })).json).toEqual({
      accepted: 1,
      duplicates: 1,
    });
    expect(erp.movements().map((m) => m.id)).toEqual(["wms:wms-1-abcdef", "wms:wms-2-abcdef"]);
  });

  it("rejects malformed batches with the field named", async () => {
    const erp = await setup();
    const bad = await push(erp.url, "/api/projections", { items: [{ sku: "MUG-SND", available: -1, asOf: T1 }] });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: expect.stringMatching(/^items\.0\.available/) });
    expect((await push(erp.url, "/api/projections", { items: [] })).status).toBe(400);
    expect(erp.stats().projectionItems).toBe(0);
  });

  it("the app's own ERP client pushes projections it accepts", async () => {
    const erp = await setup();
    const client = createErpClient(erp.url, API_KEY);
    expect(await client.pushProjections("erp:k1", [{ sku: "TEE-BLK-M", available: 12, asOf: T1 }])).toMatchObject({ kind: "ok" });
    expect(await client.pushProjections("erp:k1", [{ sku: "TEE-BLK-M", available: 12, asOf: T1 }])).toMatchObject({ kind: "ok" });
    expect(erp.projections().projections["TEE-BLK-M"]?.available).toBe(12);
    expect(erp.stats()).toMatchObject({ projectionItems: 1, idempotentReplays: 1 });
    expect(await createErpClient(erp.url, "wrong").pushProjections("erp:k2", [{ sku: "TEE-BLK-M", available: 1, asOf: T2 }])).toMatchObject({
      kind: "error",
      status: 401,
    });
  });
});
