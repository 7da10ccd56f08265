import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "@/emulators/shopify";
import { demoCatalog, type Catalog } from "@/lib/catalog/demo-catalog";
import { freePort } from "@/harness/ports";
import { seeded, startFakeApp, type FakeApp } from "../support/fake-app";
import { requestJson } from "../support/http-json";
import { incident, outbox, run, shortPick } from "../support/recovery-world";
import { emptyRedis, startWorkerWorld } from "../support/worker-world";

/**
 * The recovery worker against the Shopify emulator's money model (order-money.ts) and Level 2
 * redaction (protected-data.ts): the refund follows `suggestedRefund` (gateway, parent payment,
 * presentment currency, what the buyer paid), an authorization-only order goes to a human, and
 * a redacted customer still gets the refund and the code.
 */
const SHOP = "recovery-payments.myshopify.com";
const TOKEN = "shpat_recovery_payments";
const EAST = { id: "wh-east", gid: "gid://shopify/Location/71001", name: "East warehouse" };
const BULK = Array.from({ length: 110 }, (_, i) => `BULK-${String(i + 1).padStart(3, "0")}`);
const catalog: Catalog = {
  ...demoCatalog,
  products: [
    ...demoCatalog.products,
    {
      handle: "bulk-pins",
      title: "Enamel pin",
      description: "A pin.",
      image: "/pin.png",
      imageAlt: "A pin",
      color: "#000",
      variants: BULK.map((sku, i) => ({ sku, title: `Pin ${i + 1}`, priceCents: 300, options: { Style: String(i + 1) } })),
    },
  ],
};

let world: Awaited<ReturnType<typeof startWorkerWorld>>;
let emu: ShopifyEmulator;
let receiver: FakeApp;

beforeAll(async () => {
  world = await startWorkerWorld("recovery-payments");
  receiver = await startFakeApp({ secret: "whsec_rp", signatureHeader: "x-shopify-hmac-sha256" });
  emu = await startShopifyEmulator({
    port: await freePort(),
    shopDomain: SHOP,
    adminAccessToken: TOKEN,
    storefrontAccessToken: "sf",
    webhook: { url: `${receiver.url}/api/webhooks/shopify`, secret: "whsec_rp" },
    catalog,
    locations: [EAST],
    random: seeded(3),
    protectedCustomerData: true,
    initialAvailable: Object.fromEntries([["SCK-GRN", { "wh-east": 1_000 }], ...BULK.map((s) => [s, { "wh-east": 100 }])]),
  });
}, 60_000);
afterAll(async () => {
  await emu?.stop();
  await receiver?.stop();
  await world?.stop();
});
beforeEach(async () => {
  await emptyRedis();
  Object.assign(process.env, { SHOPIFY_STORE_DOMAIN: SHOP, SHOPIFY_ADMIN_ACCESS_TOKEN: TOKEN, SHOPIFY_ADMIN_API_URL: emu.url });
  await control("/_emulator/protected-customer-data", { granted: true });
});

async function control(path: string, body: unknown): Promise<unknown> {
  const { status, json } = await requestJson(`${emu.url}${path}`, { method: "POST", body });
  expect(status).toBe(200);
  return json;
}

interface Checkout {
  orderId: number;
  lines: { lineItemId: number; sku: string }[];
}
const checkout = async (payment: Record<string, unknown>, lines = [{ sku: "SCK-GRN", quantity: 2 }]) =>
  (await control("/_emulator/checkout", { lines, payment, email: "kai@example.com" })) as Checkout;

interface Refunded {
  totalRefundedSet: { shopMoney: { amount: string }; presentmentMoney: { amount: string; currencyCode: string } };
  transactions: { kind: string; gateway: string; amountSet: { presentmentMoney: { amount: string } } }[];
}
async function refunded(orderId: number): Promise<Refunded> {
  const { json } = await requestJson(`${emu.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "x-shopify-access-token": TOKEN },
    body: {
      query: `query ($id: ID!) { order(id: $id) { totalRefundedSet { shopMoney { amount } presentmentMoney { amount currencyCode } }
        transactions(first: 10) { kind gateway amountSet { presentmentMoney { amount } } } } }`,
      variables: { id: `gid://shopify/Order/${orderId}` },
    },
  });
  return (json as { data: { order: Refunded } }).data.order;
}

/** One short unit of the order's `sku` line, recovered once. */
async function recoverOne(order: Checkout, sku = "SCK-GRN") {
  const line = order.lines.find((l) => l.sku === sku);
  const id = `short:rp:${order.orderId}`;
  await shortPick(id, `shopify:${order.orderId}:${line?.lineItemId}`, 1, sku);
  await run();
  return incident(id);
}

const refundAction = (i: Awaited<ReturnType<typeof incident>>) => i.actions.find((a) => a.action === "refund");

describe("refunds follow Shopify's suggestedRefund", () => {
  it("a PayPal order: refunded on paypal against the sale", async () => {
    const order = await checkout({ gateway: "paypal" });
    const after = await recoverOne(order);
    expect(refundAction(after)).toMatchObject({ result: "ok", detail: expect.stringContaining("24.00 USD") });
    expect(after.state).toBe("recovered");
    const money = await refunded(order.orderId);
    expect(money.totalRefundedSet.shopMoney.amount).toBe("24.0");
    expect(money.transactions.filter((t) => t.kind === "REFUND").map((t) => t.gateway)).toEqual(["paypal"]);
  });

  it("a manual-gateway order: refunded on the manual gateway", async () => {
    const order = await checkout({ gateway: "manual" });
    const after = await recoverOne(order);
    expect(refundAction(after)?.result).toBe("ok");
    expect((await refunded(order.orderId)).transactions.filter((t) => t.kind === "REFUND").map((t) => t.gateway)).toEqual(["manual"]);
  });

  it("a EUR presentment order: refunded in EUR with `currency`, the refund recorded in EUR", async () => {
    const order = await checkout({ presentmentCurrency: "EUR", rate: 0.9 });
    const after = await recoverOne(order);
    expect(refundAction(after)).toMatchObject({ result: "ok", detail: expect.stringContaining("21.60 EUR") });
    expect((await refunded(order.orderId)).totalRefundedSet.presentmentMoney).toEqual({ amount: "21.6", currencyCode: "EUR" });
    const [email] = await outbox();
    expect(email?.text).toContain("21.60");
  });

  it("a discounted, tax-exclusive line: the refund is what the buyer paid for the unit", async () => {
    const order = await checkout({ lineDiscountPercent: 25, taxRate: 0.1 });
    const after = await recoverOne(order);
    // 24.00 − 25 % = 18.00, + 10 % tax = 19.80 (not the 24.00 list price).
    expect(refundAction(after)).toMatchObject({ result: "ok", detail: expect.stringContaining("19.80 USD") });
    expect((await refunded(order.orderId)).totalRefundedSet.shopMoney.amount).toBe("19.8");
  });

  it("an authorization-only order: escalated with the reason, no refund attempted", async () => {
    const order = await checkout({ capture: "manual" });
    const after = await recoverOne(order);
    expect(after.state).toBe("awaiting_decision");
    expect(refundAction(after)).toBeUndefined();
    expect(after.actions.find((a) => a.action === "escalate")?.detail).toContain("only authorized");
    expect((await refunded(order.orderId)).transactions.map((t) => t.kind)).toEqual(["AUTHORIZATION"]);
    // Asked again on the next run (a capture may have happened meanwhile), recorded once.
    await run();
    expect((await incident(after.id)).actions).toEqual(after.actions);
  });

  it("an order of more than 100 lines: the 105th line is refunded at its price", async () => {
    const order = await checkout(
      {},
      BULK.map((sku) => ({ sku, quantity: 1 })),
    );
    const after = await recoverOne(order, "BULK-105");
    expect(refundAction(after)).toMatchObject({ result: "ok", detail: expect.stringContaining("3.00 USD") });
    expect((await refunded(order.orderId)).totalRefundedSet.shopMoney.amount).toBe("3.0");
  });
});

describe("Level 2 protected customer data not granted", () => {
  it("a redacted customer: refund and code, the email marked not sendable", async () => {
    await control("/_emulator/protected-customer-data", { granted: false });
    const order = await checkout({});
    const after = await recoverOne(order);
    expect(after.state).toBe("recovered");
    expect(after.orders[String(order.orderId)]?.email).toBeNull();
    expect(after.actions.map((a) => [a.action, a.result])).toEqual([
      ["refund", "ok"],
      ["code", "ok"],
      ["email", "skipped"],
    ]);
    expect(after.actions.at(-1)?.detail).toContain("not sendable");
    expect(await outbox()).toEqual([]);
  });
});
