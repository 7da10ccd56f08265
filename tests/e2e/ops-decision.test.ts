import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOutbox } from "@/lib/email/outbox-store";
import { readIncident, type Incident } from "@/lib/redis/incident-store";
import { launchChromium } from "../../harness/chromium";
import { eventually, getStock, postWms, stack, testRedis, wmsEvent } from "../support/stack-client";
import { setOnlineStock } from "../support/storefront-helpers";

/**
 * The merchant's decision on an escalated oversell, made in the browser on /ops/incidents:
 * each choice must reach the recovery worker and show at Shopify (a refund, or none) and in
 * the incident's state. High-value orders (3 × $189/$229 > the $500 threshold) escalate.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

// Each case waits on the whole pipeline several times over (stock push, order, short pick,
// escalation, decision, recovery), each step bounded by its own poll below.
const CASE_MS = 150_000;

const shopify = () => stack().emulators.shopify ?? "";
const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function escalatedIncident(sku: string, email: string): Promise<{ incident: Incident; orderId: number; lineItemId: number }> {
  await setOnlineStock(sku, 5);
  const response = await post(`${shopify()}/_emulator/checkout`, { lines: [{ sku, quantity: 3 }], email });
  expect(response.status).toBe(200);
  const placed = (await response.json()) as { orderId: number; lines: { lineItemId: number }[] };
  const lineItemId = placed.lines[0]!.lineItemId;
  expect(
    (
      await eventually(
        () => getStock(sku),
        (s) => s.skus[sku]?.available === 2,
        10_000,
      )
    ).skus[sku]?.available,
  ).toBe(2);
  const short = wmsEvent(sku, "short_pick", 1, { orderId: `shopify:${placed.orderId}`, lineId: String(lineItemId) });
  expect((await postWms(short)).status).toBe(202);
  const incident = await eventually(
    () => incidentById(`short:wms:${short.id}`),
    (i) => i?.state === "awaiting_decision",
    20_000,
    200,
  );
  expect(incident?.state).toBe("awaiting_decision");
  return { incident: incident!, orderId: placed.orderId, lineItemId };
}

const incidentById = (id: string): Promise<Incident | null> => readIncident(testRedis(), id);

const shopifyOrder = async (id: number) =>
  (await (await fetch(`${shopify()}/_emulator/orders/${id}`)).json()) as {
    refunds: number[];
    lines: { lineItemId: number; removed: number; refundedFulfilled: number }[];
  };

async function signIn(page: Page): Promise<void> {
  await page.goto(`${stack().appUrl}/ops/incidents`);
  await page.waitForURL(/\/ops\/login/);
  // The form with the page's own `next` streams in after the shell's fallback form (first into a hidden
  // element, then swapped in): wait until it is the only form, since one clicked while being replaced submits nothing.
  await expect
    .poll(async () => (await page.locator("form").count()) === 1 && (await page.locator('form input[name="next"]').count()) === 1, { timeout: 20_000 })
    .toBe(true);
  await page.getByLabel("Password").fill(stack().secrets.opsPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${stack().appUrl}/ops/incidents`);
}

/**
 * Pick a choice on the incident's own form and submit it; then what /ops shows for the
 * incident once the recovery has acted on it (the form goes away with the state it served).
 */
async function decide(incidentId: string, choice: RegExp, note: string, shows: string): Promise<string | null> {
  const page = await browser.newPage();
  try {
    await signIn(page);
    const card = page.locator(`[data-testid="incident-${incidentId}"]`);
    await card.waitFor();
    expect(await card.getByTestId("incident-state").textContent()).toBe("awaiting decision");
    await card.getByLabel(choice).check();
    await card.getByPlaceholder("Note (optional)").fill(note);
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url().startsWith(`${stack().appUrl}/ops/incidents`), { timeout: 30_000 });
    await card.getByRole("button", { name: "Decide" }).click();
    expect((await answered).status()).toBe(200);
    const state = async () => {
      await page.reload();
      await card.waitFor();
      return card.getByTestId("incident-state").textContent();
    };
    await expect.poll(state, { timeout: 30_000, interval: 500 }).toBe(shows);
    return card
      .getByRole("button", { name: "Decide" })
      .count()
      .then((n) => (n === 0 ? shows : null));
  } finally {
    await page.close();
  }
}

describe("/ops decision on an escalated incident", () => {
  it(
    "refund + apology: Shopify refunds the short unit once, the incident is recovered, the apology is sent",
    async () => {
      const { incident, orderId, lineItemId } = await escalatedIncident("DWN-RED-M", "red.coat@example.com");
      expect((await shopifyOrder(orderId)).refunds).toHaveLength(0);

      // Decided, the form is gone and the incident shows as recovered.
      expect(await decide(incident.id, /Refund \+ apology/, "customer called", "recovered")).toBe("recovered");

      const after = await eventually(
        () => incidentById(incident.id),
        (i) => i?.state === "recovered",
        20_000,
        200,
      );
      expect(after?.state).toBe("recovered");
      expect(after?.decision).toMatchObject({ choice: "refund", note: "customer called" });
      const order = await shopifyOrder(orderId);
      expect(order.refunds).toHaveLength(1);
      // One unit of the three refunded (not yet fulfilled: removed from the order).
      expect(order.lines.find((l) => l.lineItemId === lineItemId)).toMatchObject({ removed: 1 });
      expect(after?.actions.filter((a) => a.action === "refund" && a.result === "ok")).toHaveLength(1);
      const outbox = await readOutbox(testRedis(), 500);
      expect(outbox.filter((m) => m.id === `apology-${incident.id}-${orderId}`).map((m) => m.to)).toEqual(["red.coat@example.com"]);
    },
    CASE_MS,
  );

  it(
    "wait for restock: nothing is refunded; the incident waits for restock with the decision on record",
    async () => {
      const { incident, orderId } = await escalatedIncident("RSH-YLW-S", "yellow.shell@example.com");

      expect(await decide(incident.id, /Wait for restock/, "more due Friday", "waiting restock")).toBe("waiting restock");

      const after = await eventually(
        () => incidentById(incident.id),
        (i) => i?.state === "waiting_restock",
        20_000,
        200,
      );
      expect(after?.state).toBe("waiting_restock");
      expect(after?.actions.filter((a) => a.action === "decision")).toEqual([
        expect.objectContaining({ target: String(orderId), result: "ok", detail: "wait_for_restock: more due Friday" }),
      ]);
      expect(after?.actions.map((a) => a.action)).not.toContain("refund");
      expect((await shopifyOrder(orderId)).refunds).toHaveLength(0);
    },
    CASE_MS,
  );

  it(
    "substitute: nothing is refunded; the incident is closed as substituted",
    async () => {
      const { incident, orderId } = await escalatedIncident("RSH-YLW-L", "swap.me@example.com");

      expect(await decide(incident.id, /Substitute/, "sending size M", "substituted")).toBe("substituted");

      const after = await eventually(
        () => incidentById(incident.id),
        (i) => i?.state === "substituted",
        20_000,
        200,
      );
      expect(after?.state).toBe("substituted");
      expect(after?.actions.filter((a) => a.action === "decision").map((a) => a.detail)).toEqual(["substitute: sending size M"]);
      expect((await shopifyOrder(orderId)).refunds).toHaveLength(0);
    },
    CASE_MS,
  );
});
