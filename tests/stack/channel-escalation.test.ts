import { describe, expect, it } from "vitest";
import { readIncident } from "@/lib/redis/incident-store";
import { eventually, postWms, stack, testRedis, uniqueSku, wmsEvent } from "../support/stack-client";

/**
 * A short pick on a marketplace or POS order is never refunded by us (that channel's own
 * tools do it): end to end from the warehouse webhook, the incident escalates to a human —
 * an alert at ALERT_WEBHOOK_URL naming the order and channel — and waits for a decision.
 */
interface PagerDutyEvent {
  dedup_key?: string;
  routing_key: string;
  payload: { summary: string; severity: string; component: string; custom_details: { channel?: string; orderId?: string; sku?: string } };
}
const alerts = async () => ((await (await fetch(stack().alertsUrl)).json()) as { alerts: PagerDutyEvent[] }).alerts;

describe("short picks on other channels' orders escalate", () => {
  for (const [channel, orderId] of [
    ["marketplace", `MKT-${Date.now().toString(36)}`],
    ["pos", `S-${Date.now().toString(36)}`],
  ] as const) {
    it(`${channel}: awaiting a decision, one alert naming the order and channel, no refund attempted`, async () => {
      const sku = uniqueSku(`ESC-${channel}`);
      const event = wmsEvent(sku, "short_pick", 1, { orderId: `${channel}:${orderId}`, lineId: "1" });
      expect((await postWms(event)).status).toBe(202);
      const id = `short:wms:${event.id}`;
      const incident = await eventually(
        () => readIncident(testRedis(), id),
        (i) => i?.state === "awaiting_decision",
        20_000,
        200,
      );
      expect(incident?.state).toBe("awaiting_decision");
      expect(incident?.affected).toEqual([expect.objectContaining({ channel, orderId, units: 1 })]);
      expect(incident?.actions.map((a) => a.action)).toEqual(["escalate"]);
      expect(incident?.actions[0]?.detail).toContain(`${channel} orders are refunded in that channel's own tools`);

      const mine = (await eventually(alerts, (list) => list.some((a) => a.dedup_key === `${id}:${orderId}`), 10_000, 200)).filter(
        (a) => a.dedup_key === `${id}:${orderId}`,
      );
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        routing_key: "test-routing-key",
        payload: { severity: "error", component: "oversell_escalation", custom_details: { channel, orderId, sku } },
      });
    });
  }
});
