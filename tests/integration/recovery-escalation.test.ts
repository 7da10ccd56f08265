import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { keys } from "@/lib/redis/keys";
import { openIncident, openOversold, recordDecision, saveIncident, type Incident } from "@/lib/redis/incident-store";
import { acquireLock, releaseLock } from "@/lib/redis/lock";
import { applyEvents } from "@/lib/redis/projection-store";
import { recoverSoon } from "@/workers/recovery";
import { startAlertReceiver } from "../support/alert-receiver";
import { AT, incident, run, shortPick, smallOrder, startRecoveryWorld } from "../support/recovery-world";
import { captureLogs, eventsNamed, type LogLine, testRedis, workerContext } from "../support/worker-world";

/**
 * workers/recovery.ts when a human must decide (big orders, other channels, failed refunds),
 * what it does with the decision, oversold holds, and the one-run-at-a-time lease.
 */
let world: Awaited<ReturnType<typeof startRecoveryWorld>>;
let alerts: Awaited<ReturnType<typeof startAlertReceiver>>;
let logs: LogLine[];

beforeAll(async () => {
  world = await startRecoveryWorld("recovery-escalation");
  alerts = await startAlertReceiver();
}, 60_000);
afterAll(async () => {
  await alerts?.stop();
  await world?.stop();
});
beforeEach(async () => {
  await world.reset();
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

const bigOrder = (id: string) => smallOrder(id, { totalCents: 60_000, lines: [{ id: "11", sku: "REC-1", name: "Parka", quantity: 2, unitCents: 30_000 }] });
const received = async () => ((await (await fetch(alerts.url)).json()) as { alerts: unknown[] }).alerts;
const decide = (id: string, choice: "refund" | "wait_for_restock" | "substitute", note = "") => recordDecision(testRedis(), id, { choice, note, at: AT });

describe("escalation to a human", () => {
  it("an order above the threshold: escalated once (alert to PagerDuty), then waits; a refund decision settles it", async () => {
    Object.assign(process.env, { ALERT_WEBHOOK_URL: alerts.url, ALERT_WEBHOOK_FORMAT: "pagerduty" });
    const before = (await received()).length;
    const id = "short:wms:e1";
    world.shopify.orders.set("3001", bigOrder("3001"));
    await shortPick(id, "shopify:3001:11");
    const reason = "order value 600.00 USD is above the escalation threshold 500.00 USD";

    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 1 });
    let now = await incident(id);
    expect(now.state).toBe("awaiting_decision");
    expect(now.actions).toEqual([{ at: AT, action: "escalate", target: "3001", result: "ok", detail: `${reason}; alert webhook notified` }]);
    const sent = (await received()).slice(before);
    expect(sent).toEqual([
      {
        routing_key: "",
        event_action: "trigger",
        dedup_key: `${id}:3001`,
        payload: {
          summary: `Oversold REC-1: order #3001 (shopify) needs a decision — ${reason}`,
          source: "stock-layer",
          severity: "error",
          component: "oversell_escalation",
          custom_details: { incidentId: id, sku: "REC-1", units: 1, orderId: "3001", channel: "shopify", valueCents: 60_000, reason },
        },
      },
    ]);
    expect(world.shopify.requests.map((r) => r.operation)).toEqual(["order"]);

    // Still waiting: no second alert, not counted as escalated again.
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
    expect((await received()).length).toBe(before + 1);
    expect((await incident(id)).actions).toHaveLength(1);

    expect(await decide(id, "refund", "go ahead")).toBe("recorded");
    expect(await run()).toEqual({ processed: 1, recovered: 1, escalated: 0 });
    now = await incident(id);
    expect(now.state).toBe("recovered");
    expect(now.actions.map((a) => a.action)).toEqual(["escalate", "refund", "code", "email"]);
  });

  it("exactly at the threshold is still automatic", async () => {
    world.shopify.orders.set("3002", smallOrder("3002", { totalCents: 50_000 }));
    await shortPick("short:wms:e2", "shopify:3002:11");
    expect(await run()).toMatchObject({ recovered: 1, escalated: 0 });
  });

  it("a marketplace order: escalated without asking Shopify, named by its id, no value", async () => {
    process.env.ALERT_WEBHOOK_URL = alerts.url;
    const before = (await received()).length;
    await shortPick("short:wms:e3", "marketplace:MK-9:2");
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 1 });
    const now = await incident("short:wms:e3");
    expect(now.actions).toEqual([
      {
        at: AT,
        action: "escalate",
        target: "MK-9",
        result: "ok",
        detail: "marketplace orders are refunded in that channel's own tools; alert webhook notified",
      },
    ]);
    expect(world.shopify.requests).toEqual([]);
    const [slack] = (await received()).slice(before) as { text: string; blocks: { text: { text: string } }[] }[];
    expect(slack!.text).toBe(
      ":rotating_light: Oversold REC-1: order MK-9 (marketplace) needs a decision — marketplace orders are refunded in that channel's own tools",
    );
    expect(JSON.parse(slack!.blocks[0]!.text.text.split("```")[1]!)).toMatchObject({ orderId: "MK-9", channel: "marketplace", valueCents: null });
  });

  it("Shopify not configured: escalated, since nothing can be refunded", async () => {
    for (const key of Object.keys(world.shopify.env)) delete process.env[key];
    await shortPick("short:wms:e4", "shopify:3004:11");
    await run();
    expect((await incident("short:wms:e4")).actions).toEqual([
      { at: AT, action: "escalate", target: "3004", result: "ok", detail: "Shopify is not configured; waiting on /ops" },
    ]);
    expect(world.shopify.requests).toEqual([]);
  });

  it("the alert webhook failing: the escalation is recorded as failed and tried again next run", async () => {
    process.env.ALERT_WEBHOOK_URL = `${alerts.url.replace(/:\d+$/, ":1")}`;
    world.shopify.orders.set("3005", bigOrder("3005"));
    await shortPick("short:wms:e5", "shopify:3005:11");
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
    let now = await incident("short:wms:e5");
    expect(now.state).toBe("recovering");
    expect(now.actions).toEqual([{ at: AT, action: "escalate", target: "3005", result: "failed", detail: expect.any(String) }]);
    expect(eventsNamed(logs, "recovery.action")[0]).toMatchObject({ level: "error", action: "escalate", result: "failed" });
    delete process.env.ALERT_WEBHOOK_URL;
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 1 });
    now = await incident("short:wms:e5");
    expect(now.actions.map((a) => [a.action, a.result])).toEqual([
      ["escalate", "failed"],
      ["escalate", "ok"],
    ]);
  });

  it("wait for restock, or substitute: recorded as the decision, nothing refunded", async () => {
    for (const [n, choice, state] of [
      ["6", "wait_for_restock", "waiting_restock"],
      ["7", "substitute", "substituted"],
    ] as const) {
      const id = `short:wms:e${n}`;
      world.shopify.orders.set(`300${n}`, bigOrder(`300${n}`));
      await shortPick(id, `shopify:300${n}:11`);
      await run();
      expect(await decide(id, choice, "restock Friday")).toBe("recorded");
      expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
      const now = await incident(id);
      expect(now.state).toBe(state);
      expect(now.actions.at(-1)).toEqual({ at: AT, action: "decision", target: `300${n}`, result: "ok", detail: `${choice}: restock Friday` });
      // Not active any more: the next run leaves it alone.
      expect(await run()).toEqual({ processed: 0, recovered: 0, escalated: 0 });
    }
    expect(world.shopify.requests.filter((r) => r.operation !== "order")).toEqual([]);
  });

  it("a decision is recorded once per order even if the incident is looked at again", async () => {
    const id = "short:wms:e8";
    world.shopify.orders.set("3008", bigOrder("3008"));
    await shortPick(id, "shopify:3008:11");
    await run();
    await decide(id, "wait_for_restock", "soon");
    await run();
    // Reopened by hand (as ops might): the decision stands and is not recorded twice.
    await saveIncident(testRedis(), { ...(await incident(id)), state: "awaiting_decision" });
    await run();
    expect((await incident(id)).actions.filter((a) => a.action === "decision")).toHaveLength(1);
  });
});

describe("oversold: sold beyond stock before the warehouse picks", () => {
  let n = 0;
  const reserve = (sku: string, lineKey: string, quantity: number): StockEvent =>
    ({
      id: `res-${n++}`,
      kind: "reserve",
      sku,
      channel: lineKey.split(":")[0],
      lineKey,
      quantity,
      occurredAt: "2026-11-27T09:00:00.000Z",
      source: "shopify",
      sourceUri: "shopify://orders/1",
    }) as StockEvent;
  const oversold = (sku: string, id: string, units: number) =>
    openOversold(testRedis(), sku, { id, kind: "oversold", sku, locationId: null, units, openedAt: "2026-11-27T09:30:00.000Z", lineKey: null });

  it("names the orders at risk (newest first), refunds nothing, waits for a restock, and frees the SKU for the next incident", async () => {
    await applyEvents(testRedis(), [reserve("OVR-1", "shopify:4001:1", 2), reserve("OVR-1", "shopify:4002:1", 1)]);
    expect(await oversold("OVR-1", "oversold:OVR-1:a", 2)).toBe(true);
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
    const now = await incident("oversold:OVR-1:a");
    expect(now.state).toBe("waiting_restock");
    expect(now.affected.map((a) => [a.orderId, a.units])).toEqual([
      ["4002", 1],
      ["4001", 1],
    ]);
    expect(now.actions).toEqual([
      {
        at: AT,
        action: "hold",
        target: "OVR-1",
        result: "ok",
        detail: "2 unit(s) sold beyond stock; orders at risk: 4002, 4001. Refunds wait for the warehouse's short pick (a restock may still fill them).",
      },
    ]);
    expect(world.shopify.requests).toEqual([]);
    // Closed in the index: the next oversell of this SKU opens a new incident.
    expect(await oversold("OVR-1", "oversold:OVR-1:b", 1)).toBe(true);
  });

  it("a line a live incident already answers for is not counted again; a finished one's lines are", async () => {
    const lines = ["5001", "5002", "5003", "5004", "5005", "5006"].map((o) => reserve("OVR-2", `shopify:${o}:1`, 1));
    await applyEvents(testRedis(), lines);
    const settled = async (id: string, order: string, state: Incident["state"], sku = "OVR-2") => {
      await shortPick(id, `shopify:${order}:1`, 1, sku);
      await saveIncident(testRedis(), {
        ...(await incident(id)),
        state,
        affected: [{ lineKey: `shopify:${order}:1`, channel: "shopify", orderId: order, lineId: "1", units: 1 }],
      });
    };
    // Live: open (line 5003) and an earlier oversold hold waiting for a restock (5006, named only
    // among its affected lines). Finished: recovered, failed, substituted.
    await shortPick("short:wms:live", "shopify:5003:1", 1, "OVR-2");
    await openIncident(testRedis(), {
      id: "oversold:OVR-2:old",
      kind: "oversold",
      sku: "OVR-2",
      locationId: null,
      units: 1,
      openedAt: "2026-11-27T08:00:00.000Z",
      lineKey: null,
    });
    await saveIncident(testRedis(), {
      ...(await incident("oversold:OVR-2:old")),
      state: "waiting_restock",
      affected: [{ lineKey: "shopify:5006:1", channel: "shopify", orderId: "5006", lineId: "1", units: 1 }],
    });
    await settled("short:wms:recovered", "5002", "recovered");
    await settled("short:wms:failed", "5004", "failed");
    await settled("short:wms:substituted", "5005", "substituted");
    // Another SKU's live incident on the same line key is not this SKU's.
    await settled("short:wms:other", "5001", "awaiting_decision", "OTHER");
    expect(await oversold("OVR-2", "oversold:OVR-2:a", 6)).toBe(true);
    await run();
    expect((await incident("oversold:OVR-2:a")).affected.map((a) => a.lineKey)).toEqual([
      "shopify:5005:1",
      "shopify:5004:1",
      "shopify:5002:1",
      "shopify:5001:1",
    ]);
  });

  it("no open line left: says so", async () => {
    expect(await oversold("OVR-3", "oversold:OVR-3:a", 1)).toBe(true);
    await run();
    expect((await incident("oversold:OVR-3:a")).actions[0]!.detail).toContain("orders at risk: none open.");
  });

  it("one incident that cannot be processed is logged and the others still are", async () => {
    // Its order lines cannot be read at all (the key holds another type: Redis answers WRONGTYPE).
    await testRedis().set(keys.lines("OVR-4"), "not a hash");
    expect(await oversold("OVR-4", "oversold:OVR-4:a", 1)).toBe(true);
    // A short pick of the same SKU that settles (fails: no line) must not free the oversold slot.
    await shortPick("short:wms:ok", null, 1, "OVR-4");
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
    expect(eventsNamed(logs, "recovery.incident_failed")).toEqual([
      expect.objectContaining({ level: "error", incidentId: "oversold:OVR-4:a", sku: "OVR-4", error: expect.any(String) }),
    ]);
    expect((await incident("oversold:OVR-4:a")).state).toBe("open");
    expect((await incident("short:wms:ok")).state).toBe("failed");
    // Still active, and still holding the SKU's oversold slot.
    expect(await oversold("OVR-4", "oversold:OVR-4:b", 1)).toBe(false);
  });
});

describe("one run at a time", () => {
  it("a run finding the lease held does nothing and says so (null); the lease is given back after a run", async () => {
    await shortPick("short:wms:l1", null);
    const held = await acquireLock(testRedis(), "recovery:{r}:lock", 60_000);
    expect(held).not.toBeNull();
    expect(await run()).toBeNull();
    expect((await incident("short:wms:l1")).state).toBe("open");
    await releaseLock(testRedis(), "recovery:{r}:lock", held!);
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
    expect(await run()).toEqual({ processed: 0, recovered: 0, escalated: 0 });
  });

  it("recoverSoon: one run per process at a time; a failed run is logged, and the next call starts afresh", async () => {
    await shortPick("short:wms:s1", null);
    const first = recoverSoon(workerContext());
    expect(recoverSoon(workerContext())).toBe(first);
    await first;
    expect((await incident("short:wms:s1")).state).toBe("failed");

    const saved = process.env.EDGE_CONFIG;
    process.env.EDGE_CONFIG = "http://127.0.0.1:1/ecfg_local?token=nope";
    try {
      const failing = recoverSoon(workerContext());
      expect(failing).not.toBe(first);
      await expect(failing).resolves.toBeUndefined();
      expect(eventsNamed(logs, "recovery.failed")).toEqual([expect.objectContaining({ level: "error", error: expect.any(String) })]);
    } finally {
      process.env.EDGE_CONFIG = saved;
    }
    // The failed run gave its lease back.
    await shortPick("short:wms:s2", null);
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
  });
});
