import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { apologyCode } from "@/lib/domain/incidents";
import { renderApologyEmail } from "@/lib/email/apology-email";
import { sendEmail } from "@/lib/email/transport";
import { AT, incident, outbox, run, shortPick, smallOrder, startRecoveryWorld } from "../support/recovery-world";
import { graphqlError, orderNode, refundOk, unavailable } from "../support/scripted-shopify";
import { captureLogs, eventsNamed, type LogLine, testRedis } from "../support/worker-world";

/**
 * workers/recovery.ts settling a Shopify order on its own: refund the short units, a
 * single-use apology code, an apology email; each step recorded once with its result, and
 * each failure either retried on the next run (Shopify busy) or recorded and escalated.
 */
let world: Awaited<ReturnType<typeof startRecoveryWorld>>;
let logs: LogLine[];

beforeAll(async () => {
  world = await startRecoveryWorld("recovery-settle");
}, 60_000);
afterAll(async () => world?.stop());
beforeEach(async () => {
  await world.reset();
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

const ops = () => world.shopify.requests.map((r) => r.operation);

describe("a short pick on a small Shopify order", () => {
  it("refund, apology code, apology email: recovered, every step recorded once with what was sent", async () => {
    const id = "short:wms:p#1";
    world.shopify.orders.set("1001", smallOrder("1001"));
    world.shopify.script("refund", refundOk("gid://shopify/Refund/9", 1_250));
    await shortPick(id, "shopify:1001:11");

    expect(await run()).toEqual({ processed: 1, recovered: 1, escalated: 0 });
    const code = apologyCode(id, "1001");
    const after = await incident(id);
    expect(after.state).toBe("recovered");
    expect(after.affected).toEqual([{ lineKey: "shopify:1001:11", channel: "shopify", orderId: "1001", lineId: "11", units: 1 }]);
    expect(after.orders["1001"]).toEqual({
      name: "#1001",
      email: "ana@example.com",
      customer: "Ana Diaz",
      firstName: "Ana",
      customerGid: "gid://shopify/Customer/5",
      valueCents: 2_500,
      createdAt: "2026-11-27T08:00:00Z",
      currency: "USD",
      presentmentCurrency: "USD",
      lineNames: { "11": "Linen Shirt - Sky / L" },
      // Shopify's suggestion, kept so a retry sends the same input; and Shopify's refunded amount.
      refundPlans: {
        "shopify:1001:11": {
          currency: "USD",
          amountCents: 1_250,
          transactions: [{ gateway: "shopify_payments", parentId: "gid://shopify/OrderTransaction/1001", amount: "12.50" }],
        },
      },
      refundedCents: { "shopify:1001:11": 1_250 },
    });
    expect(after.actions).toEqual([
      { at: AT, action: "refund", target: "shopify:1001:11", result: "ok", detail: "1 unit(s), 12.50 USD (gid://shopify/Refund/9)" },
      { at: AT, action: "code", target: "1001", result: "ok", detail: code },
      { at: AT, action: "email", target: "1001", result: "ok", detail: "to ana@example.com via outbox" },
    ]);

    // What Shopify was asked: the order, its refund suggestion, one refund under a stable key, one code for this customer.
    expect(ops()).toEqual(["order", "preview", "refund", "code"]);
    const [read, preview, refund, created] = world.shopify.requests;
    expect(read!.variables).toEqual({ id: "gid://shopify/Order/1001" });
    expect(preview!.variables).toEqual({
      id: "gid://shopify/Order/1001",
      lines: [{ lineItemId: "gid://shopify/LineItem/11", quantity: 1, restockType: "NO_RESTOCK" }],
    });
    expect(refund!.variables).toEqual({
      key: "recovery-short:wms:p_1-shopify:1001:11",
      input: {
        orderId: "gid://shopify/Order/1001",
        note: `Out of stock (incident ${id})`,
        notify: false,
        currency: "USD",
        refundLineItems: [{ lineItemId: "gid://shopify/LineItem/11", quantity: 1, restockType: "NO_RESTOCK" }],
        transactions: [
          {
            orderId: "gid://shopify/Order/1001",
            amount: "12.50",
            kind: "REFUND",
            gateway: "shopify_payments",
            parentId: "gid://shopify/OrderTransaction/1001",
          },
        ],
      },
    });
    expect(created!.variables.input).toMatchObject({
      title: "Apology for order #1001",
      code,
      customerGets: { value: { percentage: 0.15 } },
      context: { customers: { add: ["gid://shopify/Customer/5"] } },
      startsAt: AT,
    });

    // The email: to the customer, naming the line, the refund and the code, from the default shop name.
    const [mail, ...more] = await outbox();
    expect(more).toEqual([]);
    expect(mail!.id).toBe(`apology-${id}-1001`);
    expect(mail!).toMatchObject(
      renderApologyEmail({
        shopName: "Northwind Outfitters",
        to: "ana@example.com",
        firstName: "Ana",
        orderName: "#1001",
        items: [{ name: "Linen Shirt - Sky / L", units: 1, refundCents: 1_250 }],
        currency: "USD",
        code,
        percentOff: 15,
        codeValidDays: 90,
      }),
    );
    expect(eventsNamed(logs, "recovery.action").map((l) => [l.level, l.incidentId, l.sku, l.action, l.target, l.result])).toEqual([
      ["info", id, "REC-1", "refund", "shopify:1001:11", "ok"],
      ["info", id, "REC-1", "code", "1001", "ok"],
      ["info", id, "REC-1", "email", "1001", "ok"],
    ]);

    // A recovered incident is done: the next run leaves it alone.
    expect(await run()).toEqual({ processed: 0, recovered: 0, escalated: 0 });
    expect(ops()).toHaveLength(4);
  });

  it("several units at the line's price; a long incident id still gives a key Shopify accepts (≤ 255)", async () => {
    const id = `short:wms:${"x".repeat(300)}`;
    world.shopify.orders.set("1002", smallOrder("1002", { lines: [{ id: "12", sku: "REC-1", name: "Tee", quantity: 5, unitCents: 999 }], totalCents: 4_995 }));
    await shortPick(id, "shopify:1002:12", 3);
    await run();
    const refund = world.shopify.requests.find((r) => r.operation === "refund")!;
    expect(refund.variables.key).toBe(`recovery-${id}-shopify:1002:12`.slice(0, 255));
    expect(refund.variables.input).toMatchObject({ refundLineItems: [{ quantity: 3 }], transactions: [{ amount: "29.97" }] });
    expect((await outbox())[0]!.text).toContain("3 × Tee — refunded $29.97");
    expect((await incident(id)).state).toBe("recovered");
  });

  it("a retry after a crash: the code exists (TAKEN → that code), the email was already sent; shop name from env", async () => {
    const id = "short:wms:p2";
    process.env.SHOP_NAME = "Test Shop";
    world.shopify.orders.set("1003", smallOrder("1003"));
    world.shopify.script("code", {
      body: { data: { discountCodeBasicCreate: { codeDiscountNode: null, userErrors: [{ field: ["code"], message: "Code must be unique", code: "TAKEN" }] } } },
    });
    const code = apologyCode(id, "1003");
    const email = renderApologyEmail({
      shopName: "Test Shop",
      to: "ana@example.com",
      firstName: "Ana",
      orderName: "#1003",
      items: [{ name: "Linen Shirt - Sky / L", units: 1, refundCents: 1_250 }],
      currency: "USD",
      code,
      percentOff: 15,
      codeValidDays: 90,
    });
    await sendEmail(testRedis(), `apology-${id}-1003`, email);
    await shortPick(id, "shopify:1003:11");

    await run();
    const after = await incident(id);
    expect(after.state).toBe("recovered");
    expect(after.actions.slice(1)).toEqual([
      { at: AT, action: "code", target: "1003", result: "ok", detail: `${code} (already created)` },
      { at: AT, action: "email", target: "1003", result: "ok", detail: "to ana@example.com via outbox (already sent)" },
    ]);
    expect(ops()).toEqual(["order", "preview", "refund", "code", "codeByCode"]);
    expect(await outbox()).toHaveLength(1);
  });

  it("an order without email or customer: the code is for anyone, the email is skipped, still recovered", async () => {
    const id = "short:wms:p3";
    world.shopify.orders.set("1004", smallOrder("1004", { email: null, customer: null }));
    await shortPick(id, "shopify:1004:11");
    expect(await run()).toMatchObject({ recovered: 1 });
    const after = await incident(id);
    expect(after.orders["1004"]).toMatchObject({ email: null, customer: "there", firstName: null, customerGid: null });
    expect(after.actions.at(-1)).toEqual({
      at: AT,
      action: "email",
      target: "1004",
      result: "skipped",
      detail: expect.stringContaining("not sendable: no readable email address"),
    });
    expect(world.shopify.requests.find((r) => r.operation === "code")!.variables.input).toMatchObject({ context: { all: "ALL" } });
    expect(await outbox()).toEqual([]);
  });

  it("a line Shopify does not list: no refund sent (never 0.00), a human is asked", async () => {
    const id = "short:wms:p4";
    world.shopify.orders.set("1005", smallOrder("1005"));
    await shortPick(id, "shopify:1005:99", 2, "REC-9");
    expect(await run()).toMatchObject({ escalated: 1 });
    expect(ops()).toEqual(["order", "preview"]);
    const after = await incident(id);
    expect(after.state).toBe("awaiting_decision");
    expect(after.actions.map((a) => [a.action, a.result, a.detail])).toEqual([
      ["refund_preview", "skipped", "the line is not on the order, or has no units left to refund"],
      ["escalate", "ok", "no automatic refund: the line is not on the order, or has no units left to refund; waiting on /ops"],
    ]);
    expect(await outbox()).toEqual([]);
  });
});

describe("Shopify busy or refusing", () => {
  it("the order cannot be read right now (503): nothing recorded, tried again next run", async () => {
    const id = "short:wms:f1";
    world.shopify.orders.set("2001", smallOrder("2001"));
    world.shopify.script("order", unavailable);
    await shortPick(id, "shopify:2001:11");
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
    const waiting = await incident(id);
    expect(waiting.state).toBe("recovering");
    expect(waiting.actions).toEqual([]);
    expect(waiting.orders).toEqual({});
    expect(await run()).toEqual({ processed: 1, recovered: 1, escalated: 0 });
  });

  it("no such order, or a GraphQL error: the lookup is recorded as failed and a human is asked", async () => {
    await shortPick("short:wms:f2", "shopify:2002:11");
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 1 });
    const missing = await incident("short:wms:f2");
    expect(missing.state).toBe("awaiting_decision");
    expect(missing.actions).toEqual([
      { at: AT, action: "lookup", target: "2002", result: "failed", detail: "Shopify has no such order" },
      { at: AT, action: "escalate", target: "2002", result: "ok", detail: "the order could not be read from Shopify; waiting on /ops" },
    ]);
    expect(eventsNamed(logs, "recovery.action")[0]).toMatchObject({ level: "error", action: "lookup", result: "failed", detail: "Shopify has no such order" });

    // f2 is still waiting (active), so this run reads its order again too: both reads get the error,
    // whichever incident the run takes first.
    world.shopify.script("order", graphqlError("Access denied for order field"), graphqlError("Access denied for order field"));
    await shortPick("short:wms:f3", "shopify:2003:11");
    await run();
    const denied = await incident("short:wms:f3");
    expect(denied.actions[0]).toMatchObject({ action: "lookup", result: "failed", detail: expect.stringContaining("GraphQL") });
    expect(denied.actions[1]).toMatchObject({ action: "escalate", result: "ok", detail: "the order could not be read from Shopify; waiting on /ops" });
  });

  it("field-level ACCESS_DENIED (Level 2 data): the rest of the order is used; a denied order itself is a failed lookup", async () => {
    const denied = (path: string[]) => ({ message: `This app is not approved to use the ${path.at(-1)} field.`, path, extensions: { code: "ACCESS_DENIED" } });
    const node = orderNode(smallOrder("2005"));
    world.shopify.orders.set("2005", smallOrder("2005"));
    world.shopify.script("order", {
      body: {
        data: { order: { ...node, email: null, customer: { ...node.customer, firstName: null, defaultEmailAddress: null } } },
        errors: [denied(["order", "email"]), denied(["order", "customer", "firstName"])],
      },
    });
    await shortPick("short:wms:f5", "shopify:2005:11");
    await run();
    const partial = await incident("short:wms:f5");
    expect(partial.state).toBe("recovered");
    // The order-level email is redacted too here, so the email is not sendable; refund and code stand.
    expect(partial.actions.map((a) => [a.action, a.result])).toEqual([
      ["refund", "ok"],
      ["code", "ok"],
      ["email", "skipped"],
    ]);

    world.shopify.script("order", { body: { data: { order: null }, errors: [denied(["order"])] } });
    await shortPick("short:wms:f6", "shopify:2006:11");
    await run();
    expect((await incident("short:wms:f6")).actions[0]).toMatchObject({ action: "lookup", result: "failed", detail: expect.stringContaining("GraphQL") });
  });

  it("refund throttled (503): no refund recorded, no escalation; the next run refunds once", async () => {
    const id = "short:wms:f4";
    world.shopify.orders.set("2004", smallOrder("2004"));
    world.shopify.script("refund", unavailable);
    await shortPick(id, "shopify:2004:11");
    await run();
    expect((await incident(id)).actions).toEqual([]);
    expect((await incident(id)).state).toBe("recovering");
    await run();
    // The order was read and the refund planned once, kept; the refund asked twice under the same key and input.
    expect(ops()).toEqual(["order", "preview", "refund", "refund", "code"]);
    // Waiting is not a failure.
    expect(eventsNamed(logs, "recovery.incident_failed")).toEqual([]);
    const keys = world.shopify.requests.filter((r) => r.operation === "refund").map((r) => r.variables.key);
    expect(new Set(keys).size).toBe(1);
    expect((await incident(id)).state).toBe("recovered");
  });

  it("refund refused (user errors, or an error): recorded as failed with Shopify's words, then escalated", async () => {
    world.shopify.orders.set("2005", smallOrder("2005"));
    world.shopify.script("refund", {
      body: {
        data: {
          refundCreate: {
            refund: null,
            userErrors: [
              { field: ["amount"], message: "Refund exceeds" },
              { field: null, message: "Order is archived" },
            ],
          },
        },
      },
    });
    await shortPick("short:wms:f5", "shopify:2005:11");
    await run();
    const after = await incident("short:wms:f5");
    expect(after.actions).toEqual([
      { at: AT, action: "refund", target: "shopify:2005:11", result: "failed", detail: "Refund exceeds; Order is archived" },
      { at: AT, action: "escalate", target: "2005", result: "ok", detail: "the automatic refund failed; waiting on /ops" },
    ]);
    expect(after.state).toBe("awaiting_decision");

    world.shopify.orders.set("2006", smallOrder("2006"));
    // f5 is still waiting (active) and asks for its refund again in this run: both get the error.
    world.shopify.script("refund", graphqlError("Internal error"), graphqlError("Internal error"));
    await shortPick("short:wms:f6", "shopify:2006:11");
    await run();
    const second = await incident("short:wms:f6");
    expect(second.actions[0]).toMatchObject({ action: "refund", result: "failed" });
    expect(second.actions[0]!.detail).not.toBe("failed");
    expect(second.actions[1]).toMatchObject({ action: "escalate", result: "ok", detail: "the automatic refund failed; waiting on /ops" });
  });

  it("refund with no refund and no user errors: 'no refund returned'", async () => {
    world.shopify.orders.set("2007", smallOrder("2007"));
    world.shopify.script("refund", { body: { data: { refundCreate: null } } });
    await shortPick("short:wms:f7", "shopify:2007:11");
    await run();
    expect((await incident("short:wms:f7")).actions[0]).toMatchObject({ action: "refund", result: "failed", detail: "no refund returned" });
  });

  it("code busy (503), then refused, then created: the refund is never repeated, and no email goes out before the code exists", async () => {
    const id = "short:wms:f8";
    world.shopify.orders.set("2008", smallOrder("2008"));
    world.shopify.script(
      "code",
      unavailable,
      {
        body: {
          data: {
            discountCodeBasicCreate: { codeDiscountNode: null, userErrors: [{ field: ["usageLimit"], message: "Usage limit is invalid", code: "INVALID" }] },
          },
        },
      },
      graphqlError("Bad code"),
    );
    await shortPick(id, "shopify:2008:11");
    await run();
    let now = await incident(id);
    expect(now.actions.map((a) => [a.action, a.result])).toEqual([["refund", "ok"]]);
    expect(now.state).toBe("recovering");
    await run();
    now = await incident(id);
    expect(now.actions.at(-1)).toEqual({ at: AT, action: "code", target: "2008", result: "failed", detail: "Usage limit is invalid" });
    expect(now.state).toBe("recovering");
    await run();
    expect((await incident(id)).actions.at(-1)).toMatchObject({ action: "code", result: "failed" });
    expect(await outbox()).toEqual([]);
    await run();
    now = await incident(id);
    expect(now.state).toBe("recovered");
    expect(ops().filter((o) => o === "refund")).toHaveLength(1);
    expect(eventsNamed(logs, "recovery.incident_failed")).toEqual([]);
    expect(now.actions.map((a) => [a.action, a.result])).toEqual([
      ["refund", "ok"],
      ["code", "failed"],
      ["code", "failed"],
      ["code", "ok"],
      ["email", "ok"],
    ]);
  });

  it("the email cannot be sent: recorded as failed, sent on the next run; code not created twice", async () => {
    const id = "short:wms:f9";
    world.shopify.orders.set("2009", smallOrder("2009"));
    process.env.EMAIL_TRANSPORT = "http";
    await shortPick(id, "shopify:2009:11");
    await run();
    let now = await incident(id);
    expect(now.actions.at(-1)).toEqual({
      at: AT,
      action: "email",
      target: "2009",
      result: "failed",
      detail: "EMAIL_API_URL and EMAIL_API_KEY are required for EMAIL_TRANSPORT=http",
    });
    expect(now.state).toBe("recovering");
    delete process.env.EMAIL_TRANSPORT;
    await run();
    now = await incident(id);
    expect(now.state).toBe("recovered");
    expect(ops().filter((o) => o === "code")).toHaveLength(1);
    expect(await outbox()).toHaveLength(1);
  });
});

describe("nothing to attribute", () => {
  it("a short pick naming no line: failed, with the reason recorded", async () => {
    await shortPick("short:wms:n1", null);
    expect(await run()).toEqual({ processed: 1, recovered: 0, escalated: 0 });
    const after = await incident("short:wms:n1");
    expect(after.state).toBe("failed");
    expect(after.actions).toEqual([
      { at: AT, action: "triage", target: "REC-1", result: "skipped", detail: "no open order line to attribute the shortfall to" },
    ]);
    expect(world.shopify.requests).toEqual([]);
    // Failed is terminal.
    expect(await run()).toEqual({ processed: 0, recovered: 0, escalated: 0 });
  });

  it("a short pick whose line key does not parse: failed too", async () => {
    await shortPick("short:wms:n2", "not-a-line-key");
    await run();
    expect((await incident("short:wms:n2")).state).toBe("failed");
  });
});
