import { createAdminApiClient, type AdminApiClient } from "@shopify/admin-api-client";
import { parse, validate } from "graphql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "@/emulators/shopify";
import { adminSchema } from "@/emulators/shopify/schemas";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { verifySignature } from "@/lib/http/hmac";
import { parseShopifyWebhook } from "@/lib/sources/shopify";
import { freePort } from "@/harness/ports";
import { deliveryHeader as header, seeded, startFakeApp, type FakeApp, type FakeAppDelivery } from "@/tests/support/fake-app";
import { requestJson } from "@/tests/support/http-json";

/**
 * The Admin operations the oversell-recovery worker calls, against the Shopify emulator over
 * real HTTP with the real @shopify/admin-api-client: `order(id:)`, `refundCreate` (2026-04+:
 * `@idempotent` required, same inventory moves and `refunds/create` webhook as the control
 * API's refund) and `discountCodeBasicCreate`. Every document sent is first checked against the
 * published 2026-10 schema here, so a document real Shopify would refuse cannot pass by accident.
 */
const SHOP = "northwind-demo.myshopify.com";
const ADMIN_TOKEN = "shpat_emulator_admin";
const SECRET = "whsec_emulator";
const EAST = { id: "wh-east", gid: "gid://shopify/Location/71001", name: "East warehouse" };
const WEST = { id: "wh-west", gid: "gid://shopify/Location/71002", name: "West warehouse" };

// ---------------------------------------------------------------- documents (as the worker should send them)

const ORDER_QUERY = /* GraphQL */ `
  query RecoveryOrder($id: ID!) {
    order(id: $id) {
      id
      legacyResourceId
      name
      email
      createdAt
      cancelledAt
      currencyCode
      displayFinancialStatus
      totalPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalRefundedSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      customer {
        id
        firstName
        lastName
        displayName
        defaultEmailAddress {
          emailAddress
        }
      }
      lineItems(first: 50) {
        nodes {
          id
          sku
          quantity
          currentQuantity
          name
          originalUnitPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
      }
      refunds(first: 20) {
        id
        createdAt
      }
      transactions(first: 20) {
        id
        kind
        status
        gateway
        amountSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
    }
  }
`;

const REFUND_CREATE = /* GraphQL */ `
  mutation RecoveryRefund($input: RefundInput!, $key: String!) {
    refundCreate(input: $input) @idempotent(key: $key) {
      refund {
        id
        legacyResourceId
        createdAt
        note
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        refundLineItems(first: 50) {
          nodes {
            id
            quantity
            restockType
            lineItem {
              id
              sku
            }
          }
        }
      }
      order {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`;

const DISCOUNT_CREATE = /* GraphQL */ `
  mutation RecoveryDiscount($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
        codeDiscount {
          ... on DiscountCodeBasic {
            title
            status
            startsAt
            endsAt
            usageLimit
            appliesOncePerCustomer
            codes(first: 1) {
              nodes {
                code
              }
            }
            context {
              ... on DiscountCustomers {
                customers {
                  id
                }
              }
              ... on DiscountBuyerSelectionAll {
                all
              }
            }
            customerGets {
              value {
                ... on DiscountPercentage {
                  percentage
                }
                ... on DiscountAmount {
                  amount {
                    amount
                    currencyCode
                  }
                  appliesOnEachItem
                }
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

// ---------------------------------------------------------------- response shapes

interface Money {
  shopMoney: { amount: string; currencyCode: string };
}
interface OrderView {
  id: string;
  legacyResourceId: string;
  name: string;
  email: string | null;
  createdAt: string;
  cancelledAt: string | null;
  currencyCode: string;
  displayFinancialStatus: string;
  totalPriceSet: Money;
  totalRefundedSet: Money;
  customer: { id: string; firstName: string | null; lastName: string | null; displayName: string; defaultEmailAddress: { emailAddress: string } | null } | null;
  lineItems: { nodes: { id: string; sku: string | null; quantity: number; currentQuantity: number; name: string; originalUnitPriceSet: Money }[] };
  refunds: { id: string; createdAt: string }[];
  transactions: { id: string; kind: string; status: string; gateway: string; amountSet: Money }[];
}
interface UserErrorView {
  field: string[] | null;
  message: string;
}
interface RefundPayload {
  refund: {
    id: string;
    legacyResourceId: string;
    createdAt: string;
    note: string | null;
    totalRefundedSet: Money;
    refundLineItems: { nodes: { id: string; quantity: number; restockType: string; lineItem: { id: string; sku: string } }[] };
  } | null;
  order: { id: string } | null;
  userErrors: UserErrorView[];
}
interface DiscountPayload {
  codeDiscountNode: {
    id: string;
    codeDiscount: {
      title: string;
      status: string;
      startsAt: string;
      endsAt: string | null;
      usageLimit: number | null;
      appliesOncePerCustomer: boolean;
      codes: { nodes: { code: string }[] };
      context: { customers?: { id: string }[]; all?: string };
      customerGets: { value: { percentage?: number; amount?: { amount: string; currencyCode: string }; appliesOnEachItem?: boolean } };
    };
  } | null;
  userErrors: (UserErrorView & { code: string | null })[];
}
interface CheckoutResult {
  orderId: number;
  name: string;
  lines: { lineItemId: number; sku: string; quantity: number; locationId: string }[];
}
type Levels = Record<string, Record<string, { available: number; committed: number; onHand: number }>>;

// ---------------------------------------------------------------- emulator + helpers

let receiver: FakeApp;
let emu: ShopifyEmulator;
let client: AdminApiClient;
let keySeq = 0;
const newKey = () => `recovery-${Date.now()}-${++keySeq}`;

beforeAll(async () => {
  receiver = await startFakeApp({ secret: SECRET, signatureHeader: "x-shopify-hmac-sha256" });
  emu = await startShopifyEmulator({
    port: await freePort(),
    shopDomain: SHOP,
    adminAccessToken: ADMIN_TOKEN,
    storefrontAccessToken: "emulator_storefront",
    webhook: { url: `${receiver.url}/api/webhooks/shopify`, secret: SECRET },
    catalog: demoCatalog,
    locations: [EAST, WEST],
    random: seeded(7),
    // This app has Level 2 access here; the redaction tests withdraw it through the control API.
    protectedCustomerData: true,
    initialAvailable: {
      "TEE-BLK-M": { "wh-east": 20, "wh-west": 5 },
      "MUG-SND": { "wh-east": 20 },
      "BNE-RST": { "wh-east": 20 },
      "SCK-GRN": { "wh-east": 20 },
      "TOT-TAN": { "wh-east": 20 },
    },
  });
  client = createAdminApiClient({
    storeDomain: SHOP,
    apiVersion: "2026-10",
    accessToken: ADMIN_TOKEN,
    // Same path and headers as against Shopify; only the origin changes (the emulator speaks http).
    customFetchApi: (url, init) => {
      const target = new URL(String(url));
      return fetch(`${emu.url}${target.pathname}${target.search}`, init);
    },
    logger: () => undefined,
  });
});

afterAll(async () => {
  await emu.stop();
  await receiver.stop();
});

beforeEach(() => receiver.clear());

/** Refuses, before sending, any document that real Shopify 2026-10 would reject as invalid. */
function expectSchemaValid(document: string): void {
  expect(validate(adminSchema(), parse(document)).map((e) => e.message)).toEqual([]);
}

async function send<T>(document: string, variables: Record<string, unknown>) {
  expectSchemaValid(document);
  return client.request<T>(document, { variables });
}

async function control(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const { status, json } = await requestJson(`${emu.url}${path}`, { method, body });
  return { status, body: json };
}

async function checkout(lines: { sku: string; quantity: number }[], email?: string): Promise<CheckoutResult> {
  const { status, body } = await control("POST", "/_emulator/checkout", { lines, ...(email ? { email } : {}) });
  expect(status).toBe(200);
  return body as CheckoutResult;
}

const levels = async (...skus: string[]): Promise<Levels> =>
  (await control("GET", `/_emulator/inventory?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}`)).body as Levels;
const orderGid = (id: number) => `gid://shopify/Order/${id}`;
const lineGid = (id: number) => `gid://shopify/LineItem/${id}`;

async function readOrder(id: string): Promise<OrderView | null> {
  const res = await send<{ order: OrderView | null }>(ORDER_QUERY, { id });
  expect(res.errors).toBeUndefined();
  return res.data?.order ?? null;
}

async function refund(input: Record<string, unknown>, key = newKey()): Promise<RefundPayload> {
  const res = await send<{ refundCreate: RefundPayload }>(REFUND_CREATE, { input, key });
  expect(res.errors).toBeUndefined();
  const payload = res.data?.refundCreate;
  if (!payload) throw new Error("no refundCreate payload");
  return payload;
}

const refundsCreated = async (): Promise<number> => ((await control("GET", "/_emulator/stats")).body as { refunds: number }).refunds;

async function refundWebhooks(): Promise<FakeAppDelivery[]> {
  await emu.sender.idle();
  expect(receiver.rejected).toEqual([]);
  return receiver.deliveries.filter((d) => header(d, "x-shopify-topic") === "refunds/create");
}

function expectSigned(d: FakeAppDelivery): void {
  expect(verifySignature(d.raw, header(d, "x-shopify-hmac-sha256"), SECRET)).toBe(true);
  expect(verifySignature(d.raw, header(d, "x-shopify-hmac-sha256"), "another-secret")).toBe(false);
  expect(header(d, "x-shopify-shop-domain")).toBe(SHOP);
  expect(header(d, "x-shopify-api-version")).toBe("2026-10");
}

interface RefundWebhookBody {
  id: number;
  order_id: number;
  admin_graphql_api_id: string;
  note: string | null;
  refund_line_items: { line_item_id: number; quantity: number; restock_type: string; location_id: number | null; line_item: { sku: string } }[];
  transactions: { amount: string; kind: string }[];
}

// ---------------------------------------------------------------- order(id:)

describe("order(id:)", () => {
  it("returns the checkout's order: lines, prices, email, customer, totals, and charges query cost", async () => {
    const order = await checkout(
      [
        { sku: "TEE-BLK-M", quantity: 2 },
        { sku: "MUG-SND", quantity: 1 },
      ],
      "maya.lopez@example.com",
    );
    const res = await send<{ order: OrderView | null }>(ORDER_QUERY, { id: orderGid(order.orderId) });
    expect(res.errors).toBeUndefined();
    const view = res.data?.order;
    expect(view).toMatchObject({
      id: orderGid(order.orderId),
      legacyResourceId: String(order.orderId),
      name: order.name,
      email: "maya.lopez@example.com",
      cancelledAt: null,
      currencyCode: "USD",
      displayFinancialStatus: "PAID",
      // 2 × 28.00 + 22.00 + 6.95 flat shipping, as in the orders/create body.
      totalPriceSet: { shopMoney: { amount: "84.95", currencyCode: "USD" } },
      totalRefundedSet: { shopMoney: { amount: "0.0", currencyCode: "USD" } },
      customer: { firstName: "Maya", lastName: "Lopez", displayName: "Maya Lopez", defaultEmailAddress: { emailAddress: "maya.lopez@example.com" } },
      refunds: [],
    });
    expect(view?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(view?.customer?.id).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    expect(view?.lineItems.nodes).toEqual([
      {
        id: lineGid(order.lines[0]?.lineItemId ?? 0),
        sku: "TEE-BLK-M",
        quantity: 2,
        currentQuantity: 2,
        name: "Classic Organic Tee - Black / M",
        originalUnitPriceSet: { shopMoney: { amount: "28.0", currencyCode: "USD" } },
      },
      {
        id: lineGid(order.lines[1]?.lineItemId ?? 0),
        sku: "MUG-SND",
        quantity: 1,
        currentQuantity: 1,
        name: "Stoneware Mug - Sand",
        originalUnitPriceSet: { shopMoney: { amount: "22.0", currencyCode: "USD" } },
      },
    ]);
    expect(view?.transactions).toEqual([
      {
        id: expect.stringMatching(/^gid:\/\/shopify\/OrderTransaction\/\d+$/),
        kind: "SALE",
        status: "SUCCESS",
        gateway: "shopify_payments",
        amountSet: { shopMoney: { amount: "84.95", currencyCode: "USD" } },
      },
    ]);

    // The REST webhook and Admin GraphQL describe the same buyer.
    await emu.sender.idle();
    const created = receiver.deliveries.find((d) => header(d, "x-shopify-topic") === "orders/create")?.body as {
      customer: { first_name: string; last_name: string; admin_graphql_api_id: string };
    };
    expect(created.customer).toMatchObject({ first_name: "Maya", last_name: "Lopez", admin_graphql_api_id: view?.customer?.id });

    // Cost like every other query: connections sized by `first`, the actual cost by what came back.
    const cost = res.extensions?.cost as {
      requestedQueryCost: number;
      actualQueryCost: number;
      throttleStatus: { currentlyAvailable: number; maximumAvailable: number };
    };
    expect(cost.requestedQueryCost).toBeGreaterThan(50 * 3);
    expect(cost.actualQueryCost).toBeGreaterThan(2);
    expect(cost.actualQueryCost).toBeLessThan(cost.requestedQueryCost);
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThan(cost.throttleStatus.maximumAvailable);
  });

  it("answers null for an unknown order, a malformed id and another type's gid", async () => {
    for (const id of ["gid://shopify/Order/1", "not-a-gid", "gid://shopify/Product/9021188100001"]) expect(await readOrder(id)).toBeNull();
  });
});

// ---------------------------------------------------------------- refundCreate

describe("refundCreate", () => {
  it("refunds a line with NO_RESTOCK: committed units leave, available stays, money and a signed refunds/create", async () => {
    const order = await checkout([{ sku: "BNE-RST", quantity: 3 }], "sam@example.com");
    const line = order.lines[0];
    if (!line) throw new Error("no line");
    expect((await levels("BNE-RST"))["BNE-RST"]?.["wh-east"]).toEqual({ available: 17, committed: 3, onHand: 20 });
    receiver.clear();
    const payload = await refund({
      orderId: orderGid(order.orderId),
      note: "oversold: no stock to ship",
      notify: true,
      refundLineItems: [{ lineItemId: lineGid(line.lineItemId), quantity: 1, restockType: "NO_RESTOCK" }],
      transactions: [{ orderId: orderGid(order.orderId), amount: "34.00", kind: "REFUND", gateway: "shopify_payments" }],
    });
    expect(payload.userErrors).toEqual([]);
    expect(payload.order).toEqual({ id: orderGid(order.orderId) });
    expect(payload.refund).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/Refund\/\d+$/),
      note: "oversold: no stock to ship",
      totalRefundedSet: { shopMoney: { amount: "34.0", currencyCode: "USD" } },
      refundLineItems: {
        nodes: [
          {
            id: expect.stringMatching(/^gid:\/\/shopify\/RefundLineItem\/\d+$/),
            quantity: 1,
            restockType: "NO_RESTOCK",
            lineItem: { id: lineGid(line.lineItemId), sku: "BNE-RST" },
          },
        ],
      },
    });
    expect(payload.refund?.id).toBe(`gid://shopify/Refund/${payload.refund?.legacyResourceId}`);
    // NO_RESTOCK on unfulfilled units: they leave committed and never come back to available.
    expect((await levels("BNE-RST"))["BNE-RST"]?.["wh-east"]).toEqual({ available: 17, committed: 2, onHand: 19 });

    const hooks = await refundWebhooks();
    expect(hooks).toHaveLength(1);
    const [hook] = hooks;
    if (!hook) throw new Error("no refunds/create");
    expectSigned(hook);
    const body = hook.body as RefundWebhookBody;
    expect(body).toMatchObject({
      id: Number(payload.refund?.legacyResourceId),
      order_id: order.orderId,
      note: "oversold: no stock to ship",
      admin_graphql_api_id: payload.refund?.id,
    });
    expect(body.refund_line_items).toEqual([
      expect.objectContaining({
        line_item_id: line.lineItemId,
        quantity: 1,
        restock_type: "no_restock",
        location_id: null,
        line_item: expect.objectContaining({ sku: "BNE-RST" }),
      }),
    ]);
    expect(body.transactions).toEqual([expect.objectContaining({ amount: "34.00", kind: "refund" })]);
    // Our own intake releases the unshipped unit's reservation, noting Shopify did not restock it.
    expect(parseShopifyWebhook("refunds/create", hook.body)).toEqual([
      expect.objectContaining({ kind: "release", sku: "BNE-RST", quantity: 1, restocked: false }),
    ]);

    const after = await readOrder(orderGid(order.orderId));
    expect(after?.lineItems.nodes[0]).toMatchObject({ quantity: 3, currentQuantity: 2 });
    expect(after?.refunds.map((r) => r.id)).toEqual([payload.refund?.id]);
    expect(after).toMatchObject({ displayFinancialStatus: "PARTIALLY_REFUNDED", totalRefundedSet: { shopMoney: { amount: "34.0" } } });
    expect(after?.transactions.map((t) => [t.kind, t.amountSet.shopMoney.amount])).toEqual([
      ["SALE", "108.95"],
      ["REFUND", "34.0"],
    ]);
  });

  it("moves inventory exactly as the control API's refund does (CANCEL), and a restock-only refund returns no money", async () => {
    const viaControl = await checkout([{ sku: "SCK-GRN", quantity: 4 }]);
    const viaGraphql = await checkout([{ sku: "SCK-GRN", quantity: 4 }]);
    const start = (await levels("SCK-GRN"))["SCK-GRN"]?.["wh-east"];
    expect(start).toEqual({ available: 12, committed: 8, onHand: 20 });

    const control1 = await control("POST", `/_emulator/orders/${viaControl.orderId}/refund`, {
      lines: [{ lineItemId: viaControl.lines[0]?.lineItemId, quantity: 2, restockType: "cancel" }],
    });
    expect(control1.status).toBe(200);
    const afterControl = (await levels("SCK-GRN"))["SCK-GRN"]?.["wh-east"];
    expect(afterControl).toEqual({ available: 14, committed: 6, onHand: 20 });

    const payload = await refund({
      orderId: orderGid(viaGraphql.orderId),
      refundLineItems: [{ lineItemId: lineGid(viaGraphql.lines[0]?.lineItemId ?? 0), quantity: 2, restockType: "CANCEL", locationId: EAST.gid }],
    });
    expect(payload.userErrors).toEqual([]);
    expect(payload.refund?.refundLineItems.nodes[0]?.restockType).toBe("CANCEL");
    // Same deltas again: committed → available at the line's location.
    expect((await levels("SCK-GRN"))["SCK-GRN"]?.["wh-east"]).toEqual({ available: 16, committed: 4, onHand: 20 });
    // No transactions in the input: Shopify records the refund but returns no money.
    expect(payload.refund?.totalRefundedSet.shopMoney.amount).toBe("0.0");

    const hooks = await refundWebhooks();
    expect(hooks).toHaveLength(2);
    for (const hook of hooks) expectSigned(hook);
    const [fromControl, fromGraphql] = hooks.map((h) => h.body as RefundWebhookBody);
    expect(Object.keys(fromGraphql ?? {}).sort()).toEqual(Object.keys(fromControl ?? {}).sort());
    expect(fromGraphql?.refund_line_items[0]).toMatchObject({ quantity: 2, restock_type: "cancel", location_id: 71001 });
    expect(fromControl?.refund_line_items[0]).toMatchObject({ quantity: 2, restock_type: "cancel", location_id: 71001 });
    expect(fromGraphql?.transactions).toEqual([]);
    expect(parseShopifyWebhook("refunds/create", hooks[1]?.body).map((e) => [e.kind, e.sku, "quantity" in e ? e.quantity : null])).toEqual([
      ["release", "SCK-GRN", 2],
    ]);
    expect(fromControl?.transactions).toHaveLength(1);
  });

  it("RETURN after fulfilment restocks available at the requested location", async () => {
    const order = await checkout([{ sku: "TEE-BLK-M", quantity: 2 }]);
    expect((await control("POST", `/_emulator/orders/${order.orderId}/fulfill`)).status).toBe(200);
    const before = (await levels("TEE-BLK-M"))["TEE-BLK-M"];
    const payload = await refund({
      orderId: orderGid(order.orderId),
      refundLineItems: [{ lineItemId: lineGid(order.lines[0]?.lineItemId ?? 0), quantity: 1, restockType: "RETURN", locationId: WEST.gid }],
    });
    expect(payload.userErrors).toEqual([]);
    const after = (await levels("TEE-BLK-M"))["TEE-BLK-M"];
    expect(after?.["wh-west"]?.available).toBe((before?.["wh-west"]?.available ?? 0) + 1);
    expect(after?.["wh-east"]).toEqual(before?.["wh-east"]);
    const [hook] = await refundWebhooks();
    expect((hook?.body as RefundWebhookBody).refund_line_items[0]).toMatchObject({ restock_type: "return", location_id: 71002 });
  });

  it("replays the first result for the same key and input, refunding once", async () => {
    const order = await checkout([{ sku: "TOT-TAN", quantity: 2 }]);
    const input = {
      orderId: orderGid(order.orderId),
      refundLineItems: [{ lineItemId: lineGid(order.lines[0]?.lineItemId ?? 0), quantity: 1, restockType: "NO_RESTOCK" }],
    };
    const key = newKey();
    const refunds0 = await refundsCreated();
    const first = await refund(input, key);
    const levelsAfterFirst = await levels("TOT-TAN");
    const second = await refund(input, key);
    expect(first.userErrors).toEqual([]);
    expect(second).toEqual(first);
    expect(await refundsCreated()).toBe(refunds0 + 1);
    expect(await levels("TOT-TAN")).toEqual(levelsAfterFirst);
    expect(await refundWebhooks()).toHaveLength(1);
    expect((await readOrder(orderGid(order.orderId)))?.refunds).toHaveLength(1);
    const requests = (await control("GET", "/_emulator/requests?limit=2")).body as {
      requests: { rootFields: string[]; idempotencyKey: string | null; replayed: boolean }[];
    };
    expect(requests.requests.filter((r) => r.rootFields.includes("refundCreate")).map((r) => [r.idempotencyKey, r.replayed])).toContainEqual([key, true]);
  });

  it("answers the same key with other input with an idempotency mismatch and applies nothing", async () => {
    const order = await checkout([{ sku: "TOT-TAN", quantity: 2 }]);
    const lineItemId = lineGid(order.lines[0]?.lineItemId ?? 0);
    const key = newKey();
    expect(
      (await refund({ orderId: orderGid(order.orderId), refundLineItems: [{ lineItemId, quantity: 1, restockType: "NO_RESTOCK" }] }, key)).userErrors,
    ).toEqual([]);
    const before = await levels("TOT-TAN");
    const refunds0 = await refundsCreated();
    receiver.clear();
    const other = await refund({ orderId: orderGid(order.orderId), refundLineItems: [{ lineItemId, quantity: 1, restockType: "CANCEL" }] }, key);
    expect(other).toEqual({
      refund: null,
      order: null,
      userErrors: [{ field: null, message: "The same idempotency key cannot be used with different operation parameters." }],
    });
    expect(await levels("TOT-TAN")).toEqual(before);
    expect(await refundsCreated()).toBe(refunds0);
    expect(await refundWebhooks()).toHaveLength(0);
    const stats = (await control("GET", "/_emulator/requests?limit=1")).body as { requests: { userErrorCodes: string[] }[] };
    expect(stats.requests[0]?.userErrorCodes).toEqual(["IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]);
  });

  it("refuses over-refunding with user errors on the offending field and applies nothing of the refund", async () => {
    const order = await checkout([
      { sku: "MUG-SND", quantity: 2 },
      { sku: "BNE-RST", quantity: 1 },
    ]);
    const [mug, beanie] = order.lines;
    if (!mug || !beanie) throw new Error("lines missing");
    const before = await levels("MUG-SND", "BNE-RST");
    const refunds0 = await refundsCreated();
    receiver.clear();
    // The first line is fine, the second asks for more than was bought: all or nothing.
    const tooMany = await refund({
      orderId: orderGid(order.orderId),
      refundLineItems: [
        { lineItemId: lineGid(mug.lineItemId), quantity: 1, restockType: "CANCEL" },
        { lineItemId: lineGid(beanie.lineItemId), quantity: 2, restockType: "NO_RESTOCK" },
      ],
    });
    expect(tooMany.refund).toBeNull();
    expect(tooMany.userErrors).toEqual([{ field: ["refundLineItems", "1", "quantity"], message: "Quantity cannot refund more items than were purchased." }]);

    // Unfulfilled units cannot be RETURNed; unknown line items and money beyond what was paid are refused too.
    const wrong = await refund({
      orderId: orderGid(order.orderId),
      refundLineItems: [
        { lineItemId: lineGid(mug.lineItemId), quantity: 1, restockType: "RETURN" },
        { lineItemId: lineGid(1), quantity: 1, restockType: "NO_RESTOCK" },
      ],
      transactions: [{ orderId: orderGid(order.orderId), amount: "500.00", kind: "REFUND", gateway: "shopify_payments" }],
    });
    expect(wrong.refund).toBeNull();
    expect(wrong.userErrors.map((e) => e.field)).toEqual([["transactions"], ["refundLineItems", "0", "quantity"], ["refundLineItems", "1", "lineItemId"]]);

    expect(await levels("MUG-SND", "BNE-RST")).toEqual(before);
    expect(await refundsCreated()).toBe(refunds0);
    expect(await refundWebhooks()).toHaveLength(0);
    expect((await readOrder(orderGid(order.orderId)))?.refunds).toEqual([]);
  });

  it("answers an unknown order with a user error on orderId", async () => {
    const payload = await refund({ orderId: "gid://shopify/Order/42", refundLineItems: [{ lineItemId: lineGid(1), quantity: 1, restockType: "NO_RESTOCK" }] });
    expect(payload).toEqual({ refund: null, order: null, userErrors: [{ field: ["orderId"], message: "Order does not exist." }] });
  });

  it("requires @idempotent (2026-04+) and refuses documents real Shopify would refuse, applying nothing", async () => {
    const order = await checkout([{ sku: "MUG-SND", quantity: 1 }]);
    const input = {
      orderId: orderGid(order.orderId),
      refundLineItems: [{ lineItemId: lineGid(order.lines[0]?.lineItemId ?? 0), quantity: 1, restockType: "CANCEL" }],
    };
    const before = await levels("MUG-SND");
    const refunds0 = await refundsCreated();

    const withoutKey = REFUND_CREATE.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "");
    const missing = await send<{ refundCreate: RefundPayload | null }>(withoutKey, { input });
    expect(missing.errors?.graphQLErrors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ["The @idempotent directive is required for this mutation but was not provided.", "BAD_REQUEST"],
    ]);
    expect(missing.data?.refundCreate ?? null).toBeNull();

    const blank = await send<{ refundCreate: RefundPayload | null }>(REFUND_CREATE, { input, key: "   " });
    expect(blank.errors?.graphQLErrors?.[0]?.extensions?.code).toBe("BAD_REQUEST");

    // refundCreate's userErrors are the generic UserError: no `code` field to select.
    const withCode = REFUND_CREATE.replace(/userErrors\s*\{\s*field\s+message\s*\}/, "userErrors { field message code }");
    expect(validate(adminSchema(), parse(withCode)).map((e) => e.message)).toEqual(['Cannot query field "code" on type "UserError".']);
    const invalid = await client.request(withCode, { variables: { input, key: newKey() } });
    expect(invalid.errors?.graphQLErrors?.[0]?.message).toBe("Field 'code' doesn't exist on type 'UserError'");
    expect(invalid.data).toBeUndefined();

    expect(await levels("MUG-SND")).toEqual(before);
    expect(await refundsCreated()).toBe(refunds0);
  });
});

// ---------------------------------------------------------------- discountCodeBasicCreate

describe("discountCodeBasicCreate", () => {
  const startsAt = "2026-01-01T00:00:00Z";

  it("creates a single-use code for one customer, listed on GET /_emulator/discounts; a duplicate code is TAKEN", async () => {
    const order = await checkout([{ sku: "MUG-SND", quantity: 1 }], "ari@example.com");
    const customerId = (await readOrder(orderGid(order.orderId)))?.customer?.id;
    if (!customerId) throw new Error("no customer");
    const input = {
      title: `Sorry for order ${order.name}`,
      code: "SORRY-ARI-15",
      startsAt,
      endsAt: null,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { customers: { add: [customerId] } },
      customerGets: { value: { percentage: 0.15 }, items: { all: true } },
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    };
    // Not an @idempotent mutation: sent without the directive.
    const res = await send<{ discountCodeBasicCreate: DiscountPayload }>(DISCOUNT_CREATE, { basicCodeDiscount: input });
    expect(res.errors).toBeUndefined();
    expect(res.extensions?.cost?.requestedQueryCost).toBe(10);
    const created = res.data?.discountCodeBasicCreate;
    expect(created?.userErrors).toEqual([]);
    expect(created?.codeDiscountNode?.id).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    expect(created?.codeDiscountNode?.codeDiscount).toEqual({
      title: `Sorry for order ${order.name}`,
      status: "ACTIVE",
      startsAt,
      endsAt: null,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      codes: { nodes: [{ code: "SORRY-ARI-15" }] },
      context: { customers: [{ id: customerId }] },
      customerGets: { value: { percentage: 0.15 } },
    });

    const listed = await control("GET", "/_emulator/discounts");
    expect(listed.status).toBe(200);
    const discounts = (listed.body as { discounts: Record<string, unknown>[] }).discounts;
    expect(discounts).toEqual([
      expect.objectContaining({
        id: created?.codeDiscountNode?.id,
        code: "SORRY-ARI-15",
        title: `Sorry for order ${order.name}`,
        usageLimit: 1,
        appliesOncePerCustomer: true,
        status: "ACTIVE",
        startsAt: "2026-01-01T00:00:00.000Z",
        endsAt: null,
        context: { customers: [customerId] },
        value: { percentage: 0.15 },
      }),
    ]);

    // Codes are unique per shop whatever their case.
    const duplicate = await send<{ discountCodeBasicCreate: DiscountPayload }>(DISCOUNT_CREATE, {
      basicCodeDiscount: { ...input, code: "sorry-ari-15", title: "Another" },
    });
    expect(duplicate.data?.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }],
    });
    expect(((await control("GET", "/_emulator/discounts?code=SORRY-ARI-15")).body as { discounts: unknown[] }).discounts).toHaveLength(1);
    // A client that lost the create's answer finds the code instead of creating it again.
    const lookup = await send<{ codeDiscountNodeByCode: { id: string } | null; missing: { id: string } | null }>(
      `query FindCode($code: String!) { codeDiscountNodeByCode(code: $code) { id } missing: codeDiscountNodeByCode(code: "NO-SUCH-CODE") { id } }`,
      { code: "SORRY-ARI-15" },
    );
    expect(lookup.data).toEqual({ codeDiscountNodeByCode: { id: created?.codeDiscountNode?.id }, missing: null });
    expect(((await control("GET", "/_emulator/discounts")).body as { discounts: unknown[] }).discounts).toHaveLength(1);
  });

  it("takes a fixed amount for everyone, and reports invalid input with DiscountErrorCode values, storing nothing", async () => {
    const before = ((await control("GET", "/_emulator/discounts")).body as { discounts: unknown[] }).discounts.length;
    const amount = await send<{ discountCodeBasicCreate: DiscountPayload }>(DISCOUNT_CREATE, {
      basicCodeDiscount: {
        title: "Ten off",
        code: "TENOFF",
        startsAt,
        context: { all: "ALL" },
        customerGets: { value: { discountAmount: { amount: "10.00", appliesOnEachItem: false } }, items: { all: true } },
      },
    });
    expect(amount.data?.discountCodeBasicCreate.userErrors).toEqual([]);
    expect(amount.data?.discountCodeBasicCreate.codeDiscountNode?.codeDiscount).toMatchObject({
      usageLimit: null,
      appliesOncePerCustomer: false,
      context: { all: "ALL" },
      customerGets: { value: { amount: { amount: "10.0", currencyCode: "USD" }, appliesOnEachItem: false } },
    });

    const bad = await send<{ discountCodeBasicCreate: DiscountPayload }>(DISCOUNT_CREATE, {
      basicCodeDiscount: {
        title: "",
        code: "BAD",
        startsAt,
        endsAt: "2025-12-31T00:00:00Z",
        usageLimit: 0,
        context: { customers: { add: ["gid://shopify/Customer/1"] } },
        customerGets: { value: { percentage: 1.5 }, items: { all: true } },
      },
    });
    expect(bad.data?.discountCodeBasicCreate.codeDiscountNode).toBeNull();
    expect(bad.data?.discountCodeBasicCreate.userErrors.map((e) => [e.field?.join("."), e.code])).toEqual([
      ["basicCodeDiscount.title", "BLANK"],
      ["basicCodeDiscount.endsAt", "END_DATE_BEFORE_START_DATE"],
      ["basicCodeDiscount.usageLimit", "GREATER_THAN"],
      ["basicCodeDiscount.context.customers.add.0", "INVALID"],
      ["basicCodeDiscount.customerGets.value.percentage", "VALUE_OUTSIDE_RANGE"],
    ]);
    expect(((await control("GET", "/_emulator/discounts")).body as { discounts: { code: string }[] }).discounts.map((d) => d.code)).toHaveLength(before + 1);
  });
});

// ---------------------------------------------------------------- payments, suggestedRefund, protected data

const SUGGESTED = /* GraphQL */ `
  query Suggested($id: ID!, $lines: [RefundLineItemInput!]) {
    order(id: $id) {
      presentmentCurrencyCode
      suggestedRefund(refundLineItems: $lines) {
        amountSet {
          presentmentMoney {
            amount
            currencyCode
          }
        }
        discountedSubtotalSet {
          shopMoney {
            amount
          }
        }
        totalTaxSet {
          shopMoney {
            amount
          }
        }
        suggestedTransactions {
          gateway
          kind
          parentTransaction {
            id
            kind
          }
          amountSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
          maximumRefundableSet {
            presentmentMoney {
              amount
            }
          }
        }
      }
    }
  }
`;
interface SuggestedView {
  presentmentCurrencyCode: string;
  suggestedRefund: {
    amountSet: { presentmentMoney: { amount: string; currencyCode: string } };
    discountedSubtotalSet: { shopMoney: { amount: string } };
    totalTaxSet: { shopMoney: { amount: string } };
    suggestedTransactions: {
      gateway: string;
      kind: string;
      parentTransaction: { id: string; kind: string } | null;
      amountSet: { presentmentMoney: { amount: string; currencyCode: string } };
      maximumRefundableSet: { presentmentMoney: { amount: string } } | null;
    }[];
  };
}

async function paidCheckout(payment: Record<string, unknown>): Promise<CheckoutResult> {
  const { status, body } = await control("POST", "/_emulator/checkout", { lines: [{ sku: "SCK-GRN", quantity: 2 }], payment });
  expect(status).toBe(200);
  return body as CheckoutResult;
}

async function suggest(order: CheckoutResult, quantity = 1): Promise<SuggestedView> {
  const lines = [{ lineItemId: lineGid(order.lines[0]?.lineItemId ?? 0), quantity, restockType: "NO_RESTOCK" }];
  const res = await send<{ order: SuggestedView }>(SUGGESTED, { id: orderGid(order.orderId), lines });
  expect(res.errors).toBeUndefined();
  if (!res.data) throw new Error("no order");
  return res.data.order;
}

const lineInput = (order: CheckoutResult) => [{ lineItemId: lineGid(order.lines[0]?.lineItemId ?? 0), quantity: 1, restockType: "NO_RESTOCK" }];

describe("payments: gateways, presentment currency, authorization, suggestedRefund", () => {
  it("a PayPal order: suggestedRefund names the paypal sale as parent; a refund on another gateway is refused, on paypal it passes", async () => {
    const order = await paidCheckout({ gateway: "paypal" });
    const suggested = (await suggest(order)).suggestedRefund;
    const [tx] = suggested.suggestedTransactions;
    expect(tx).toMatchObject({ gateway: "paypal", kind: "SUGGESTED_REFUND", parentTransaction: { kind: "SALE" } });
    const wrong = await refund({
      orderId: orderGid(order.orderId),
      refundLineItems: lineInput(order),
      transactions: [{ orderId: orderGid(order.orderId), amount: tx?.amountSet.presentmentMoney.amount, kind: "REFUND", gateway: "shopify_payments" }],
    });
    expect(wrong.refund).toBeNull();
    expect(wrong.userErrors).toEqual([{ field: ["transactions", "0", "gateway"], message: "Gateway must match the gateway of the order's payment (paypal)." }]);
    const right = await refund({
      orderId: orderGid(order.orderId),
      refundLineItems: lineInput(order),
      transactions: [
        {
          orderId: orderGid(order.orderId),
          amount: tx?.amountSet.presentmentMoney.amount,
          kind: "REFUND",
          gateway: "paypal",
          parentId: tx?.parentTransaction?.id,
        },
      ],
    });
    expect(right.userErrors).toEqual([]);
    expect(right.refund?.totalRefundedSet.shopMoney.amount).toBe(tx?.amountSet.presentmentMoney.amount);
  });

  it("a Markets order in EUR: amounts in presentment currency; a refund without `currency` is refused", async () => {
    const order = await paidCheckout({ gateway: "manual", presentmentCurrency: "EUR", rate: 0.9 });
    const view = await suggest(order);
    expect(view.presentmentCurrencyCode).toBe("EUR");
    const [tx] = view.suggestedRefund.suggestedTransactions;
    // One 24.00 USD sock at 0.9 → 21.60 EUR.
    expect(tx).toMatchObject({ gateway: "manual", amountSet: { presentmentMoney: { amount: "21.6", currencyCode: "EUR" } } });
    const base = {
      orderId: orderGid(order.orderId),
      refundLineItems: lineInput(order),
      transactions: [{ orderId: orderGid(order.orderId), amount: "21.60", kind: "REFUND", gateway: "manual", parentId: tx?.parentTransaction?.id }],
    };
    const missing = await refund(base);
    expect(missing.userErrors.map((e) => e.field)).toEqual([["currency"]]);
    const ok = await refund({ ...base, currency: "EUR" });
    expect(ok.userErrors).toEqual([]);
  });

  it("a discounted, tax-exclusive line: suggestedRefund is what the buyer paid; more than refundable is refused", async () => {
    const order = await paidCheckout({ lineDiscountPercent: 25, taxRate: 0.1 });
    const suggested = (await suggest(order)).suggestedRefund;
    // 24.00 − 25 % = 18.00, + 10 % tax = 19.80.
    expect(suggested.discountedSubtotalSet.shopMoney.amount).toBe("18.0");
    expect(suggested.totalTaxSet.shopMoney.amount).toBe("1.8");
    expect(suggested.amountSet.presentmentMoney.amount).toBe("19.8");
    const over = await refund({
      orderId: orderGid(order.orderId),
      refundLineItems: lineInput(order),
      transactions: [{ orderId: orderGid(order.orderId), amount: "100.00", kind: "REFUND", gateway: "shopify_payments" }],
    });
    expect(over.userErrors.map((e) => e.field)).toEqual([["transactions"]]);
  });

  it("an authorization-only order: nothing suggested, and a REFUND is refused", async () => {
    const order = await paidCheckout({ capture: "manual" });
    expect((await suggest(order)).suggestedRefund.suggestedTransactions).toEqual([]);
    const res = await refund({
      orderId: orderGid(order.orderId),
      refundLineItems: lineInput(order),
      transactions: [{ orderId: orderGid(order.orderId), amount: "24.00", kind: "REFUND", gateway: "shopify_payments" }],
    });
    expect(res.refund).toBeNull();
    expect(res.userErrors.map((e) => e.message)).toContain("A refund can happen only after a capture is processed; this payment is only authorized.");
  });
});

describe("protected customer data (Level 2)", () => {
  it("without access: email and customer names null with ACCESS_DENIED errors at their paths, the rest of the order in data", async () => {
    const order = await checkout([{ sku: "SCK-GRN", quantity: 1 }], "kai@example.com");
    expect((await control("POST", "/_emulator/protected-customer-data", { granted: false })).status).toBe(200);
    try {
      const res = await client.request<{
        order: { name: string; email: string | null; customer: { id: string; firstName: string | null; displayName: string } };
      }>(`query Redacted($id: ID!) { order(id: $id) { name email customer { id firstName displayName defaultEmailAddress { emailAddress } } } }`, {
        variables: { id: orderGid(order.orderId) },
      });
      expect(res.data?.order).toEqual({
        name: order.name,
        email: null,
        customer: { id: expect.any(String), firstName: null, displayName: "•••", defaultEmailAddress: null },
      });
      const errors = (res.errors?.graphQLErrors ?? []) as { path?: string[]; extensions?: { code?: string } }[];
      expect(errors.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([
        ["order.email", "ACCESS_DENIED"],
        ["order.customer.firstName", "ACCESS_DENIED"],
        ["order.customer.defaultEmailAddress", "ACCESS_DENIED"],
      ]);
    } finally {
      await control("POST", "/_emulator/protected-customer-data", { granted: true });
    }
  });
});
