import { describe, expect, it } from "vitest";
import { stack } from "../support/stack-client";
import { setOnlineStock, shopifyLevels } from "../support/storefront-helpers";

/**
 * Drift beyond what the pass may fix on its own reaches a human: the stack's
 * ALERT_WEBHOOK_URL (a PagerDuty-shaped receiver) gets the SKU, location, both numbers and
 * the drift, end to end from a drift pass run by the cron route.
 */
const SKU = "LIN-WHT-M"; // no other stack test touches it
const reconcile = () => fetch(`${stack().appUrl}/api/worker/reconcile`, { headers: { authorization: `Bearer ${stack().secrets.cronSecret}` } });
const setShopify = (available: number) =>
  fetch(`${stack().emulators.shopify}/_emulator/inventory`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sku: SKU, locationId: "wh-east", available }),
  });

interface PagerDutyEvent {
  routing_key: string;
  event_action: string;
  payload: { summary: string; source: string; severity: string; component: string; custom_details: unknown };
}
interface DriftDetail {
  channel: string;
  sku: string;
  location: string;
  actual: number;
  wanted: number;
  drift: number;
  action: string;
}
const driftAlertsFor = async (sku: string) =>
  ((await (await fetch(stack().alertsUrl)).json()) as { alerts: PagerDutyEvent[] }).alerts.filter(
    (a) => a.payload.component === "drift" && Array.isArray(a.payload.custom_details) && (a.payload.custom_details as DriftDetail[]).some((d) => d.sku === sku),
  );

describe("drift alerts", () => {
  it("a drift beyond the auto-correct limit is POSTed to ALERT_WEBHOOK_URL with the SKU, both numbers and the drift", async () => {
    await setOnlineStock(SKU, 4);
    expect(await driftAlertsFor(SKU)).toEqual([]);
    // Someone edits Shopify by hand: 60 where we want 4 (the policy auto-corrects up to 25).
    expect((await setShopify(60)).status).toBe(200);
    let alerts: PagerDutyEvent[] = [];
    // Passes are resumable and may be shared with other tests' calls: run until one has swept the SKU.
    for (let i = 0; i < 40 && alerts.length === 0; i++) {
      expect((await reconcile()).status).toBeLessThan(300);
      alerts = await driftAlertsFor(SKU);
    }
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    const alert = alerts[0]!;
    expect(alert).toMatchObject({
      routing_key: "test-routing-key",
      event_action: "trigger",
      payload: { source: "stock-layer", summary: expect.stringContaining("drifted beyond the threshold") },
    });
    const detail = (alert.payload.custom_details as DriftDetail[]).find((d) => d.sku === SKU);
    expect(detail).toMatchObject({ channel: "shopify", sku: SKU, location: "wh-east", actual: 60, wanted: 4, drift: 56, action: "needs_human" });
    // Too big to fix unattended: Shopify still shows the hand edit (left so: no other test uses this SKU).
    expect((await shopifyLevels(SKU))["wh-east"]).toBe(60);
  });
});
