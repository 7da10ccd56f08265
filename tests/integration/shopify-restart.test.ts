import type * as StateFile from "@/emulators/shared/state-file";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator, type ShopifyEmulatorOptions } from "@/emulators/shopify";
import * as stateFile from "@/emulators/shared/state-file";
import { StateFileError } from "@/emulators/shared/state-file";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { freePort } from "@/harness/ports";
import { deliveryHeader as header, seeded, startFakeApp, type FakeApp } from "@/tests/support/fake-app";
import { requestJson } from "@/tests/support/http-json";

/**
 * The Shopify emulator keeps its shop in a state file and resumes it: a clean restart, a
 * "crash" (a second shop started from a copy of the file taken while the first runs), webhooks
 * and WMS forwards still owed at stop, a torn file, and no file at all. Everything is driven
 * and read through the emulator's real HTTP APIs.
 */
vi.mock("@/emulators/shared/state-file", async (importOriginal) => {
  const actual = await importOriginal<typeof StateFile>();
  return { ...actual, persistTo: vi.fn(actual.persistTo), loadStateFile: vi.fn(actual.loadStateFile) };
});

const SHOP = "northwind-demo.myshopify.com";
const ADMIN_TOKEN = "shpat_emulator_admin";
const STOREFRONT_TOKEN = "emulator_storefront";
const SECRET = "whsec_emulator";
const EAST = { id: "wh-east", gid: "gid://shopify/Location/71001", name: "East warehouse" };
const WEST = { id: "wh-west", gid: "gid://shopify/Location/71002", name: "West warehouse" };

const dirs: string[] = [];
const running: ShopifyEmulator[] = [];
let receiver: FakeApp;

beforeAll(async () => {
  receiver = await startFakeApp({ secret: SECRET, signatureHeader: "x-shopify-hmac-sha256" });
});
afterEach(async () => {
  for (const emu of running.splice(0)) await emu.stop();
  receiver.clear();
});
afterAll(async () => {
  await receiver.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "shopify-restart-"));
  dirs.push(dir);
  return dir;
}

async function start(overrides: Partial<ShopifyEmulatorOptions> = {}): Promise<ShopifyEmulator> {
  const emu = await startShopifyEmulator({
    port: await freePort(),
    shopDomain: SHOP,
    adminAccessToken: ADMIN_TOKEN,
    storefrontAccessToken: STOREFRONT_TOKEN,
    webhook: { url: `${receiver.url}/api/webhooks/shopify`, secret: SECRET },
    catalog: demoCatalog,
    locations: [EAST, WEST],
    initialAvailable: { "TEE-BLK-M": { "wh-east": 10, "wh-west": 4 }, "MUG-SND": { "wh-east": 6 } },
    random: seeded(7),
    ...overrides,
  });
  running.push(emu);
  return emu;
}

async function stop(emu: ShopifyEmulator): Promise<void> {
  running.splice(running.indexOf(emu), 1);
  await emu.stop();
}

type Json = Record<string, unknown>;

async function control(emu: ShopifyEmulator, method: "GET" | "POST", route: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const { status, json } = await requestJson(`${emu.url}${route}`, { method, body });
  return { status, body: json as Json };
}

async function graphql(url: string, headers: Record<string, string>, query: string, variables: Json): Promise<Json> {
  const { status, json } = await requestJson(url, { method: "POST", body: { query, variables }, headers });
  expect(status).toBe(200);
  const body = json as { data?: Json; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data ?? {};
}
const admin = (emu: ShopifyEmulator, query: string, variables: Json = {}) =>
  graphql(emu.adminGraphqlUrl, { "x-shopify-access-token": ADMIN_TOKEN }, query, variables);
const storefront = (emu: ShopifyEmulator, query: string, variables: Json = {}) =>
  graphql(emu.storefrontGraphqlUrl, { "x-shopify-storefront-access-token": STOREFRONT_TOKEN }, query, variables);

interface Checkout {
  orderId: number;
  name: string;
  lines: { lineItemId: number; sku: string; quantity: number; locationId: string }[];
}
async function checkout(emu: ShopifyEmulator, sku: string, quantity: number): Promise<Checkout> {
  const res = await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku, quantity }] });
  expect(res.status).toBe(200);
  return res.body as unknown as Checkout;
}

const ADJUST = /* GraphQL */ `
  mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
        createdAt
        reason
        changes {
          name
          delta
          quantityAfterChange
          item {
            id
            sku
          }
          location {
            id
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
const SET = /* GraphQL */ `
  mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const REFUND = /* GraphQL */ `
  mutation Refund($input: RefundInput!, $key: String!) {
    refundCreate(input: $input) @idempotent(key: $key) {
      refund {
        id
        refundLineItems(first: 5) {
          nodes {
            quantity
            restockType
            lineItem {
              id
            }
          }
        }
      }
      order {
        id
        name
      }
      userErrors {
        field
        message
      }
    }
  }
`;
const DISCOUNT = /* GraphQL */ `
  mutation Discount($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const CART_CREATE = /* GraphQL */ `
  mutation CartCreate($input: CartInput!) {
    cartCreate(input: $input) {
      cart {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const CART = /* GraphQL */ `
  query Cart($id: ID!) {
    cart(id: $id) {
      id
      totalQuantity
      updatedAt
      lines(first: 10) {
        nodes {
          id
          quantity
          merchandise {
            ... on ProductVariant {
              id
              sku
            }
          }
        }
      }
    }
  }
`;
const PRODUCTS = /* GraphQL */ `
  query Products {
    products(first: 25) {
      nodes {
        id
        handle
        title
        updatedAt
        variants(first: 5) {
          nodes {
            id
            sku
            price
          }
        }
      }
    }
  }
`;

const variantGid = (sku: string) => {
  const index = demoCatalog.products.flatMap((p) => p.variants).findIndex((v) => v.sku === sku);
  return `gid://shopify/ProductVariant/${47_731_880_100_001 + index}`;
};
const itemGid = (sku: string) => {
  const index = demoCatalog.products.flatMap((p) => p.variants).findIndex((v) => v.sku === sku);
  return `gid://shopify/InventoryItem/${49_833_214_300_001 + index}`;
};
const adjustInput = (sku: string, delta: number, changeFromQuantity: number | null) => ({
  name: "available",
  reason: "correction",
  changes: [{ inventoryItemId: itemGid(sku), locationId: EAST.gid, delta, changeFromQuantity }],
});

/** A product of the demo catalog that the tests order from and then delete (so orders name a deleted variant). */
const doomed = demoCatalog.products[demoCatalog.products.length - 1];
const doomedSku = doomed?.variants[0]?.sku ?? "";

/** Everything a client can read back, for before/after comparisons. */
async function observe(emu: ShopifyEmulator, orderIds: number[], cartId: string | null): Promise<Json> {
  const orders = await Promise.all(orderIds.map(async (id) => (await control(emu, "GET", `/_emulator/orders/${id}`)).body));
  return {
    inventory: (await control(emu, "GET", "/_emulator/inventory")).body,
    orders,
    discounts: (await control(emu, "GET", "/_emulator/discounts")).body,
    products: await admin(emu, PRODUCTS),
    cart: cartId ? await storefront(emu, CART, { id: cartId }) : null,
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A busy shop: every kind of state the file holds, each changed through the API. */
async function drive(emu: ShopifyEmulator) {
  expect((await control(emu, "POST", "/_emulator/inventory", { sku: doomedSku, locationId: "wh-west", available: 5 })).status).toBe(200);
  const adjustKey = "restart-adjust-1";
  const adjusted = await admin(emu, ADJUST, { input: adjustInput("TEE-BLK-M", 3, 10), key: adjustKey });
  expect((adjusted.inventoryAdjustQuantities as Json).userErrors).toEqual([]);
  const staleKey = "restart-set-stale";
  const stale = await admin(emu, SET, {
    input: {
      name: "available",
      reason: "correction",
      quantities: [{ inventoryItemId: itemGid("MUG-SND"), locationId: EAST.gid, quantity: 1, changeFromQuantity: 99 }],
    },
    key: staleKey,
  });
  expect(((stale.inventorySetQuantities as Json).userErrors as Json[])[0]?.code).toBe("CHANGE_FROM_QUANTITY_STALE");
  const first = await checkout(emu, "TEE-BLK-M", 2);
  const second = await checkout(emu, "MUG-SND", 1);
  const third = await checkout(emu, doomedSku, 1);
  const refundKey = "restart-refund-1";
  const refundInput = {
    orderId: `gid://shopify/Order/${first.orderId}`,
    refundLineItems: [{ lineItemId: `gid://shopify/LineItem/${first.lines[0]?.lineItemId}`, quantity: 1, restockType: "CANCEL" }],
  };
  const refunded = await admin(emu, REFUND, { input: refundInput, key: refundKey });
  expect((refunded.refundCreate as Json).userErrors).toEqual([]);
  expect((await control(emu, "POST", `/_emulator/orders/${second.orderId}/cancel`, { restock: true })).status).toBe(200);
  expect((await control(emu, "POST", "/_emulator/products/classic-tee", { title: "Classic Tee, renamed" })).status).toBe(200);
  const created = await control(emu, "POST", "/_emulator/products", {
    handle: "restart-cap",
    title: "Restart Cap",
    variants: [{ sku: "CAP-RST", title: "One size", priceCents: 1900, options: { Size: "One size" } }],
  });
  expect(created.status).toBe(200);
  expect((await control(emu, "POST", "/_emulator/inventory", { sku: "CAP-RST", locationId: "wh-east", available: 9 })).status).toBe(200);
  expect((await control(emu, "POST", `/_emulator/products/${doomed?.handle}/delete`)).status).toBe(200);
  const discount = await admin(emu, DISCOUNT, {
    basicCodeDiscount: {
      title: "Sorry",
      code: "SORRY-10",
      startsAt: "2026-01-01T00:00:00Z",
      context: { all: "ALL" },
      customerGets: { value: { percentage: 0.1 }, items: { all: true } },
    },
  });
  expect((discount.discountCodeBasicCreate as Json).userErrors).toEqual([]);
  const cart = await storefront(emu, CART_CREATE, { input: { lines: [{ merchandiseId: variantGid("MUG-SND"), quantity: 2 }] } });
  const cartId = (((cart.cartCreate as Json).cart as Json | null)?.id as string | undefined) ?? null;
  expect(cartId).not.toBeNull();
  return {
    orders: [first, second, third],
    adjustKey,
    adjusted,
    staleKey,
    stale,
    refundKey,
    refundInput,
    refunded,
    cartId,
    createdProductId: created.body.productId as number,
  };
}

describe("a clean stop and a start from the same file", () => {
  it("keeps a product's merchant HTML, continue-selling and untracked variants", async () => {
    const file = path.join(tempDir(), "emulators", "shopify.json");
    const one = await start({ stateFile: file });
    const html = "<p>Raw <b>html<script>x()</script>";
    const created = await control(one, "POST", "/_emulator/products", {
      handle: "kept-html",
      title: "Kept",
      descriptionHtml: html,
      variants: [
        { sku: "KEPT-CONT", title: "C", priceCents: 100, options: { K: "c" }, inventoryPolicy: "CONTINUE" },
        { sku: "KEPT-UNTR", title: "U", priceCents: 100, options: { K: "u" }, tracked: false },
      ],
    });
    expect(created.status).toBe(200);
    await stop(one);
    const two = await start({ stateFile: file });
    const { json } = await requestJson(two.storefrontGraphqlUrl, {
      method: "POST",
      headers: { "x-shopify-storefront-access-token": STOREFRONT_TOKEN },
      body: { query: `{ product(handle: "kept-html") { descriptionHtml variants(first: 5) { nodes { sku availableForSale } } } }` },
    });
    expect((json as { data: unknown }).data).toEqual({
      product: {
        descriptionHtml: html,
        variants: {
          nodes: [
            { sku: "KEPT-CONT", availableForSale: true },
            { sku: "KEPT-UNTR", availableForSale: true },
          ],
        },
      },
    });
  });

  it("resumes the same shop: stock, orders, refunds, products, discounts, carts; ids go on; idempotent keys still replay", async () => {
    const file = path.join(tempDir(), "emulators", "shopify.json");
    const one = await start({ stateFile: file });
    const driven = await drive(one);
    const orderIds = driven.orders.map((o) => o.orderId);
    await one.sender.idle();
    const before = await observe(one, orderIds, driven.cartId);
    await stop(one);

    // Options that would seed another world: the file wins.
    const two = await start({ stateFile: file, initialAvailable: { "TEE-BLK-M": { "wh-east": 999 } }, random: seeded(99) });
    expect(await observe(two, orderIds, driven.cartId)).toEqual(before);
    // The deleted product stays deleted, and its sku is unknown; its order still names it.
    expect((await control(two, "GET", `/_emulator/inventory?sku=${doomedSku}`)).status).toBe(404);
    expect(((before.orders as Json[])[2]?.lines as Json[])[0]?.sku).toBe(doomedSku);

    // Replays answer exactly as before the restart and apply nothing.
    const levelsBefore = (await control(two, "GET", "/_emulator/inventory?sku=TEE-BLK-M")).body;
    expect(await admin(two, ADJUST, { input: adjustInput("TEE-BLK-M", 3, 10), key: driven.adjustKey })).toEqual(driven.adjusted);
    // A refused attempt is not replayed: its key stays spent across the restart (a failed key needs a new one).
    const again = await admin(two, SET, {
      input: {
        name: "available",
        reason: "correction",
        quantities: [{ inventoryItemId: itemGid("MUG-SND"), locationId: EAST.gid, quantity: 1, changeFromQuantity: 99 }],
      },
      key: driven.staleKey,
    });
    expect(((again.inventorySetQuantities as Json).userErrors as Json[]).map((e) => e.code)).toEqual(["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"]);
    expect(await admin(two, REFUND, { input: driven.refundInput, key: driven.refundKey })).toEqual(driven.refunded);
    expect((await control(two, "GET", "/_emulator/inventory?sku=TEE-BLK-M")).body).toEqual(levelsBefore);
    expect(((await control(two, "GET", `/_emulator/orders/${orderIds[0]}`)).body.refunds as unknown[]).length).toBe(1);
    const mismatch = await admin(two, ADJUST, { input: adjustInput("TEE-BLK-M", 4, 13), key: driven.adjustKey });
    expect(((mismatch.inventoryAdjustQuantities as Json).userErrors as Json[])[0]?.code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");

    // Ids and order numbers go on from where they were, never repeating.
    const next = await checkout(two, "TEE-BLK-M", 1);
    expect(next.orderId).toBeGreaterThan(Math.max(...orderIds));
    expect(next.name).toBe("#1004");
    expect(next.lines[0]?.lineItemId).toBeGreaterThan(Math.max(...driven.orders.flatMap((o) => o.lines.map((l) => l.lineItemId))));
    const another = await control(two, "POST", "/_emulator/products", {
      handle: "restart-hat",
      title: "Restart Hat",
      variants: [{ sku: "HAT-RST", title: "One size", priceCents: 2100, options: { Size: "One size" } }],
    });
    expect(another.body.productId as number).toBeGreaterThan(driven.createdProductId);
    const discountAgain = await admin(two, DISCOUNT, {
      basicCodeDiscount: {
        title: "Dup",
        code: "sorry-10",
        startsAt: "2026-01-01T00:00:00Z",
        context: { all: "ALL" },
        customerGets: { value: { percentage: 0.1 }, items: { all: true } },
      },
    });
    expect(((discountAgain.discountCodeBasicCreate as Json).userErrors as Json[])[0]?.code).toBe("TAKEN");

    // And a third start sees what the second one did.
    const after = await observe(two, [...orderIds, next.orderId], driven.cartId);
    await stop(two);
    const three = await start({ stateFile: file });
    expect(await observe(three, [...orderIds, next.orderId], driven.cartId)).toEqual(after);
  });
});

describe("a crash: a second shop from a copy of the file taken while the first runs", () => {
  it("holds everything as of the last answered request", async () => {
    const dir = tempDir();
    const file = path.join(dir, "shopify.json");
    const one = await start({ stateFile: file });
    const driven = await drive(one);
    const last = await admin(one, ADJUST, { input: adjustInput("MUG-SND", -2, 6), key: "restart-crash-last" });
    expect((last.inventoryAdjustQuantities as Json).userErrors).toEqual([]);
    const copy = path.join(dir, "crash-copy.json");
    copyFileSync(file, copy);
    const orderIds = driven.orders.map((o) => o.orderId);
    const seen = await observe(one, orderIds, driven.cartId);
    expect(((seen.inventory as Json)["MUG-SND"] as Json)["wh-east"]).toEqual({ available: 4, committed: 0, onHand: 4 });

    const two = await start({ stateFile: copy });
    expect(await observe(two, orderIds, driven.cartId)).toEqual(seen);
    // The last key is known to the resumed shop too.
    expect(await admin(two, ADJUST, { input: adjustInput("MUG-SND", -2, 6), key: "restart-crash-last" })).toEqual(last);
  });
});

describe("deliveries still owed at stop", () => {
  it("sends the webhook and the WMS forward that nobody had taken, after the restart, to where the app listens now", async () => {
    const file = path.join(tempDir(), "shopify.json");
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const one = await start({ stateFile: file, webhook: { url: `${nobody}/api/webhooks/shopify`, secret: SECRET }, fulfillmentUrl: `${nobody}/orders` });
    const order = await checkout(one, "TEE-BLK-M", 1);
    // Both were tried and failed (so they wait between retries).
    await until(async () => ((await control(one, "GET", "/_emulator/stats")).body.webhooks as { retries: number }).retries >= 1, "a failed webhook attempt");
    await until(
      async () => (((await control(one, "GET", "/_emulator/stats")).body.fulfillment as { retries: number } | null)?.retries ?? 0) >= 1,
      "a failed forward attempt",
    );
    await stop(one);
    expect(receiver.deliveries).toHaveLength(0);

    const two = await start({ stateFile: file, fulfillmentUrl: `${receiver.url}/orders` });
    // Three were owed: orders/create, its fulfillment_orders/order_routing_complete, and the WMS forward.
    await receiver.waitFor(3, 10_000);
    expect(receiver.rejected).toEqual([]);
    const hook = receiver.deliveries.find((d) => d.path === "/api/webhooks/shopify");
    expect(header(hook ?? { headers: {} }, "x-shopify-topic")).toBe("orders/create");
    expect(header(hook ?? { headers: {} }, "x-shopify-webhook-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((hook?.body as Json | undefined)?.id).toBe(order.orderId);
    const forward = receiver.deliveries.find((d) => d.path === "/orders");
    expect((forward?.body as Json | undefined)?.orderId).toBe(`shopify:${order.orderId}`);
    const delivered = async () => {
      const stats = (await control(two, "GET", "/_emulator/stats")).body as { webhooks: { delivered: number }; fulfillment: { delivered: number } | null };
      return stats.webhooks.delivered >= 1 && (stats.fulfillment?.delivered ?? 0) >= 1;
    };
    await until(delivered, "both deliveries acknowledged");
    // Delivered and acknowledged: a further restart owes nothing.
    await stop(two);
    receiver.clear();
    await start({ stateFile: file, fulfillmentUrl: `${receiver.url}/orders` });
    await checkout(running[running.length - 1] as ShopifyEmulator, "MUG-SND", 1);
    await receiver.waitFor(3, 10_000);
    expect(receiver.deliveries.map((d) => (d.path === "/orders" ? (d.body as Json).orderId : (d.body as Json).id))).not.toContain(order.orderId);
  });
});

describe("a torn or corrupt file", () => {
  it("makes start reject with StateFileError naming the file, and leaves the file as it was", async () => {
    const dir = tempDir();
    const file = path.join(dir, "shopify.json");
    const one = await start({ stateFile: file });
    await checkout(one, "TEE-BLK-M", 1);
    await stop(one);
    const whole = readFileSync(file, "utf8");

    const truncated = whole.slice(0, Math.floor(whole.length / 2));
    writeFileSync(file, truncated);
    const torn = await start({ stateFile: file }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(torn).toBeInstanceOf(StateFileError);
    expect((torn as StateFileError).file).toBe(file);
    expect((torn as StateFileError).message).toContain(file);
    expect(readFileSync(file, "utf8")).toBe(truncated);

    // One digit changed inside the state: still JSON, but the checksum no longer holds.
    const at = whole.search(/"available\\":\d/) + '"available\\":'.length;
    expect(at).toBeGreaterThan(20);
    const flipped = `${whole.slice(0, at)}${whole[at] === "9" ? "8" : "9"}${whole.slice(at + 1)}`;
    writeFileSync(file, flipped);
    await expect(start({ stateFile: file })).rejects.toThrow(/checksum mismatch/);
    await expect(start({ stateFile: file })).rejects.toBeInstanceOf(StateFileError);
    expect(readFileSync(file, "utf8")).toBe(flipped);
  });
});

describe("no state file", () => {
  it("writes nothing: no persistence is set up and no file is read", async () => {
    const dir = tempDir();
    vi.mocked(stateFile.persistTo).mockClear();
    vi.mocked(stateFile.loadStateFile).mockClear();
    const emu = await start();
    const order = await checkout(emu, "TEE-BLK-M", 1);
    await admin(emu, ADJUST, { input: adjustInput("MUG-SND", 1, 6), key: "restart-memory-only" });
    expect((await control(emu, "POST", `/_emulator/orders/${order.orderId}/cancel`, { restock: true })).status).toBe(200);
    await emu.sender.idle();
    await stop(emu);
    expect(stateFile.persistTo).not.toHaveBeenCalled();
    expect(stateFile.loadStateFile).not.toHaveBeenCalled();
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(path.join(process.cwd(), "shopify.json"))).toBe(false);
  });
});
