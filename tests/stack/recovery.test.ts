import { describe, expect, it } from "vitest";
import { incidentSchema, OUTBOX_KEY, type Incident } from "@/lib/redis/incident-store";
import { keys } from "@/lib/redis/keys";
import { eventually, getStock, postWms, stack, testRedis, wmsEvent } from "../support/stack-client";
import { setOnlineStock } from "../support/storefront-helpers";

/**
 * Oversell detection and recovery end to end: a Shopify order, a short pick from the
 * warehouse, then the recovery job — refund, apology code and email exactly once however
 * often it runs; a high-value order goes to a human instead.
 */
const shopify = () => stack().emulators.shopify ?? "";
const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const recover = () => fetch(`${stack().appUrl}/api/worker/recover`, { headers: { authorization: `Bearer ${stack().secrets.cronSecret}` } });

async function order(sku: string, quantity: number, email: string) {
  const response = await post(`${shopify()}/_emulator/checkout`, { lines: [{ sku, quantity }], email });
  expect(response.status).toBe(200);
  return (await response.json()) as { orderId: number; name: string; lines: { lineItemId: number; sku: string }[] };
}

async function incidentFor(eventId: string): Promise<Incident | null> {
  const raw = await testRedis().hget(keys.incidents, `short:wms:${eventId}`);
  return raw ? incidentSchema.parse(typeof raw === "string" ? JSON.parse(raw) : raw) : null;
}

const shopifyOrder = async (id: number) => (await (await fetch(`${shopify()}/_emulator/orders/${id}`)).json()) as { refunds: number[] };
const discounts = async () => ((await (await fetch(`${shopify()}/_emulator/discounts`)).json()) as { discounts: { code: string }[] }).discounts;

async function shortPick(sku: string, placed: { orderId: number; lines: { lineItemId: number }[] }, units: number) {
  const event = wmsEvent(sku, "short_pick", units, { orderId: `shopify:${placed.orderId}`, lineId: String(placed.lines[0]!.lineItemId) });
  expect((await postWms(event)).status).toBe(202);
  return event.id;
}

describe("oversell recovery", () => {
  it("a short pick opens an incident; refund, apology code and email happen exactly once, even when the job runs again", async () => {
    const sku = "LIN-SKY-L";
    await setOnlineStock(sku, 6);
    const placed = await order(sku, 2, "maya.lopez@example.com");
    await eventually(() => getStock(sku), (s) => s.skus[sku]?.available === 4, 10_000);
    const eventId = await shortPick(sku, placed, 1);

    const recovered = await eventually(() => incidentFor(eventId), (i) => i?.state === "recovered", 15_000, 200);
    expect(recovered?.state).toBe("recovered");
    expect(recovered?.affected).toEqual([expect.objectContaining({ channel: "shopify", orderId: String(placed.orderId), units: 1 })]);
    expect(recovered?.orders[String(placed.orderId)]).toMatchObject({ name: placed.name, email: "maya.lopez@example.com", valueCents: 14_800 + 695 }); // two shirts and shipping

    // The job runs again (cron, a retry after a crash): nothing happens twice.
    for (let i = 0; i < 2; i++) expect((await recover()).status).toBeLessThan(300);
    const after = await incidentFor(eventId);
    const ok = (action: string) => after?.actions.filter((a) => a.action === action && a.result === "ok").length;
    expect([ok("refund"), ok("code"), ok("email")]).toEqual([1, 1, 1]);
    expect((await shopifyOrder(placed.orderId)).refunds).toHaveLength(1);
    const code = after?.actions.find((a) => a.action === "code")?.detail.split(" ")[0] ?? "";
    expect(code).toMatch(/^SORRY-[0-9A-Z]+$/);
    expect((await discounts()).filter((d) => d.code === code)).toHaveLength(1);
    const outbox = (await testRedis().lrange<Record<string, string>>(OUTBOX_KEY, 0, 200)).map((m) => (typeof m === "string" ? JSON.parse(m) : m) as { id: string; to: string; subject: string; html: string; text: string });
    const mails = outbox.filter((m) => m.id === `apology-${after?.id}-${placed.orderId}`);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: "maya.lopez@example.com", subject: expect.stringContaining(placed.name) });
    expect(mails[0]?.text).toContain(code);
    expect(mails[0]?.html).toContain(code);
    expect(mails[0]?.text).toContain("$74.00");
    // The refund's restock released the short unit's reservation in the projection.
    await eventually(() => getStock(sku), (s) => s.skus[sku]?.available === 4, 10_000);
  });

  it("a high-value order is escalated to a human (PagerDuty shape) and not refunded automatically", async () => {
    const sku = "DWN-BLK-L";
    await setOnlineStock(sku, 5);
    const placed = await order(sku, 3, "big.spender@example.com"); // 3 × $229 > the $500 threshold
    await eventually(() => getStock(sku), (s) => s.skus[sku]?.available === 2, 10_000);
    const eventId = await shortPick(sku, placed, 1);

    const escalated = await eventually(() => incidentFor(eventId), (i) => i?.state === "awaiting_decision", 15_000, 200);
    expect(escalated?.state).toBe("awaiting_decision");
    expect(escalated?.actions.map((a) => a.action)).not.toContain("refund");
    expect((await recover()).status).toBeLessThan(300);
    expect((await shopifyOrder(placed.orderId)).refunds).toHaveLength(0);
    const alerts = ((await (await fetch(stack().alertsUrl)).json()) as { alerts: { routing_key: string; event_action: string; dedup_key: string; payload: { summary: string; severity: string } }[] }).alerts;
    const mine = alerts.filter((a) => a.dedup_key === `${escalated?.id}:${placed.orderId}`);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ routing_key: "test-routing-key", event_action: "trigger", payload: { severity: "error", summary: expect.stringContaining("above the escalation threshold") } });
  });

  it("the recovery route needs the cron secret", async () => {
    expect((await fetch(`${stack().appUrl}/api/worker/recover`)).status).toBe(401);
  });
});
