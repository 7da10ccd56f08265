import { describe, expect, it } from "vitest";
import { affectedLines, apologyCode, oversoldUnits, recoveryRoute } from "@/lib/domain/incidents";
import { parseLineKey } from "@/lib/domain/line-key";
import type { OrderLine } from "@/lib/domain/projection";
import { renderApologyEmail } from "@/lib/email/apology-email";
import { alertBody } from "@/workers/alerts";

const line = (reserved: number, picked = 0): OrderLine => ({
  reserved,
  released: 0,
  kept: 0,
  picked,
  cancelled: false,
  cancelRestocks: true,
  locationId: null,
  locationBy: null,
});

describe("incidents (pure)", () => {
  it("oversold units: promised beyond the shelves, over all locations", () => {
    expect(oversoldUnits({ onHand: { a: 3, b: 1 }, reserved: { a: 2 }, unassigned: 3 })).toBe(1);
    expect(oversoldUnits({ onHand: { a: 5 }, reserved: { a: 5 }, unassigned: 0 })).toBe(0);
    expect(oversoldUnits({ onHand: { a: -2 }, reserved: { a: 1 }, unassigned: 0 })).toBe(1);
  });

  it("the newest orders pay for an oversell, and only up to the units short", () => {
    const lines = {
      "shopify:6524199000100:1": line(2),
      "shopify:6524199000300:5": line(1),
      "shopify:6524199000200:3": line(3, 1),
      "shopify:6524199000050:9": line(4, 4),
    };
    expect(affectedLines(lines, 3)).toEqual([
      { lineKey: "shopify:6524199000300:5", channel: "shopify", orderId: "6524199000300", lineId: "5", units: 1 },
      { lineKey: "shopify:6524199000200:3", channel: "shopify", orderId: "6524199000200", lineId: "3", units: 2 },
    ]);
    expect(affectedLines(lines, 1, new Set(["shopify:6524199000300:5"]))[0]?.orderId).toBe("6524199000200");
    expect(parseLineKey("marketplace:A-77:2")).toEqual({ lineKey: "marketplace:A-77:2", channel: "marketplace", orderId: "A-77", lineId: "2" });
  });

  it("automatic for Shopify orders up to the threshold; a human otherwise", () => {
    expect(recoveryRoute("shopify", 50_000, 50_000, "USD")).toEqual({ kind: "auto" });
    expect(recoveryRoute("shopify", 50_001, 50_000, "USD").kind).toBe("escalate");
    expect(recoveryRoute("marketplace", 100, 50_000, "USD").kind).toBe("escalate");
  });

  it("one apology code per incident and order, stable across retries", () => {
    expect(apologyCode("short:wms:1", "42")).toBe(apologyCode("short:wms:1", "42"));
    expect(apologyCode("short:wms:1", "42")).not.toBe(apologyCode("short:wms:1", "43"));
    expect(apologyCode("x", "y")).toMatch(/^SORRY-[0-9A-Z]{7,}$/);
  });
});

describe("apology email", () => {
  const email = renderApologyEmail({
    shopName: "Northwind",
    to: "a@example.com",
    firstName: "Ana <script>",
    orderName: "#1001",
    items: [{ name: "Linen Shirt - Sky / L", units: 1, refundCents: 7_400 }],
    currency: "USD",
    code: "SORRY-ABC1234",
    percentOff: 15,
    codeValidDays: 90,
  });
  it("says what happened, the refund and the code, in HTML and text", () => {
    expect(email.subject).toContain("#1001");
    for (const part of [email.text, email.html]) {
      expect(part).toContain("SORRY-ABC1234");
      expect(part).toContain("$74.00");
      expect(part).toContain("15%");
    }
  });
  it("escapes what customers typed", () => {
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("Ana &lt;script&gt;");
  });
});

describe("alert shapes", () => {
  const alert = { kind: "oversell_escalation" as const, summary: "Oversold X", dedupKey: "inc:1", severity: "error" as const, details: { sku: "X" } };
  it("PagerDuty Events v2", () => {
    expect(alertBody(alert, "pagerduty", "rk")).toEqual({
      routing_key: "rk",
      event_action: "trigger",
      dedup_key: "inc:1",
      payload: { summary: "Oversold X", source: "stock-layer", severity: "error", component: "oversell_escalation", custom_details: { sku: "X" } },
    });
  });
  it("Slack-compatible", () => {
    expect(alertBody(alert, "slack", "")).toMatchObject({ text: expect.stringContaining("Oversold X") });
  });
});
