import { createAdminApiClient } from "@shopify/admin-api-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator, type ShopifyEmulatorOptions } from "@/emulators/shopify";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { verifySignature } from "@/lib/http/hmac";
import { parseShopifyWebhook, type ShopifyTopic } from "@/lib/sources/shopify";
import { VARIANTS_BY_SKU_QUERY } from "@/lib/shopify/admin-documents";
import { freePort } from "@/harness/ports";
import ordersCreateFixture from "@/tests/fixtures/shopify/orders-create.json";
import { deliveryHeader as header, seeded, startFakeApp, type FakeApp, type FakeAppDelivery } from "@/tests/support/fake-app";
import { requestJson } from "@/tests/support/http-json";

/**
 * The Shopify emulator over real HTTP: Admin GraphQL against the published 2026-10 schema
 * (2026-04+ inventory rules, cost throttling), the Storefront subset, the checkout and its
 * signed webhooks (a local receiver stands in for the app and checks every HMAC), and the real
 * @shopify/admin-api-client pointed at the emulator.
 */
const SHOP = "northwind-demo.myshopify.com";
const ADMIN_TOKEN = "shpat_emulator_admin";
const STOREFRONT_TOKEN = "emulator_storefront";
const SECRET = "whsec_emulator";
const EAST = { id: "wh-east", gid: "gid://shopify/Location/71001", name: "East warehouse" };
const WEST = { id: "wh-west", gid: "gid://shopify/Location/71002", name: "West warehouse" };

// ---------------------------------------------------------------- the app stand-in

/** Every Shopify request (webhooks and the fulfillment forward) is signed with the webhook secret. */
const startReceiver = () => startFakeApp({ secret: SECRET, signatureHeader: "x-shopify-hmac-sha256" });

const webhooks = (r: FakeApp, topic: string) => r.deliveries.filter((d) => d.path === "/api/webhooks/shopify" && header(d, "x-shopify-topic") === topic);

// ---------------------------------------------------------------- emulator + helpers

async function start(receiver: FakeApp, overrides: Partial<ShopifyEmulatorOptions> = {}): Promise<ShopifyEmulator> {
  return startShopifyEmulator({
    port: await freePort(),
    shopDomain: SHOP,
    adminAccessToken: ADMIN_TOKEN,
    storefrontAccessToken: STOREFRONT_TOKEN,
    webhook: { url: `${receiver.url}/api/webhooks/shopify`, secret: SECRET },
    catalog: demoCatalog,
    locations: [EAST, WEST],
    random: seeded(42),
    // The Storefront tests below read quantityAvailable (storefront-catalog.test.ts: refused without it).
    storefrontInventoryScope: true,
    ...overrides,
  });
}

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; locations?: unknown; path?: unknown; extensions: { code: string; [k: string]: unknown } }[];
  extensions?: {
    cost: {
      requestedQueryCost: number;
      actualQueryCost: number | null;
      throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
    };
  };
}

async function admin(
  emu: ShopifyEmulator,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = ADMIN_TOKEN,
): Promise<{ status: number; body: GraphqlBody }> {
  const { status, json } = await requestJson(emu.adminGraphqlUrl, {
    method: "POST",
    body: { query, variables },
    headers: token === null ? {} : { "x-shopify-access-token": token },
  });
  return { status, body: json as GraphqlBody };
}

async function storefront(
  emu: ShopifyEmulator,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = STOREFRONT_TOKEN,
): Promise<{ status: number; body: GraphqlBody }> {
  const { status, json } = await requestJson(emu.storefrontGraphqlUrl, {
    method: "POST",
    body: { query, variables },
    headers: token === null ? {} : { "x-shopify-storefront-access-token": token },
  });
  return { status, body: json as GraphqlBody };
}

async function control(emu: ShopifyEmulator, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const { status, json } = await requestJson(`${emu.url}${path}`, { method, body });
  return { status, body: json };
}

type Levels = Record<string, Record<string, { available: number; committed: number; onHand: number }>>;
const levels = async (emu: ShopifyEmulator, ...skus: string[]): Promise<Levels> =>
  (await control(emu, "GET", `/_emulator/inventory?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}`)).body as Levels;
const setAvailable = (emu: ShopifyEmulator, sku: string, locationId: string, available: number) =>
  control(emu, "POST", "/_emulator/inventory", { sku, locationId, available });

const variantOf = (sku: string) => {
  const index = demoCatalog.products.flatMap((p) => p.variants).findIndex((v) => v.sku === sku);
  if (index < 0) throw new Error(`no ${sku} in the demo catalog`);
  return index;
};
/** The emulator's ids are fixed per catalog position: discover them once over the API. */
const itemIds = new Map<string, string>();
async function itemId(emu: ShopifyEmulator, sku: string): Promise<string> {
  const known = itemIds.get(sku);
  if (known) return known;
  const { body } = await admin(emu, `query($q: String!) { productVariants(first: 1, query: $q) { nodes { sku inventoryItem { id } } } }`, { q: `sku:${sku}` });
  const nodes = (body.data?.productVariants as { nodes: { sku: string; inventoryItem: { id: string } }[] }).nodes;
  const id = nodes[0]?.inventoryItem.id;
  if (!id || nodes[0]?.sku !== sku) throw new Error(`no inventory item for ${sku}`);
  itemIds.set(sku, id);
  return id;
}

const ADJUST = /* GraphQL */ `
  mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
        reason
        referenceDocumentUri
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
        changes {
          name
          delta
          quantityAfterChange
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

interface Payload {
  inventoryAdjustmentGroup: {
    id: string;
    reason?: string;
    referenceDocumentUri?: string | null;
    changes: { name: string; delta: number; quantityAfterChange: number; item?: { id: string; sku: string }; location?: { id: string } }[];
  } | null;
  userErrors: { field: string[] | null; message: string; code: string }[];
}
const payloadOf = (body: GraphqlBody, field: string): Payload => body.data?.[field] as Payload;

let receiver: FakeApp;
let emu: ShopifyEmulator;
let keySeq = 0;
const newKey = () => `test-key-${Date.now()}-${++keySeq}`;

beforeAll(async () => {
  receiver = await startReceiver();
  emu = await start(receiver, { initialAvailable: { "TEE-BLK-M": { "wh-east": 10, "wh-west": 4 } } });
});

afterAll(async () => {
  await emu.stop();
  await receiver.stop();
});

beforeEach(() => receiver.clear());

// ---------------------------------------------------------------- Admin GraphQL

describe("Admin GraphQL: auth and validation", () => {
  it("answers 401 with Shopify's body when the access token is missing or wrong", async () => {
    for (const token of [null, "shpat_wrong"]) {
      const { status, body } = await admin(emu, "{ shop { name } }", {}, token);
      expect(status).toBe(401);
      expect(body).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const ok = await admin(emu, "{ shop { name myshopifyDomain } }");
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ shop: { name: "Northwind Demo", myshopifyDomain: SHOP } });
  });

  it("rejects an unknown field with a validation error in Shopify's shape, and runs nothing", async () => {
    const { status, body } = await admin(emu, "query Probe {\n  shop { name nonsenseField }\n}");
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: "Field 'nonsenseField' doesn't exist on type 'Shop'",
        locations: [{ line: 2, column: 15 }],
        path: ["query Probe", "shop", "nonsenseField"],
        extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nonsenseField" },
      },
    ]);
    expect(body.extensions?.cost.requestedQueryCost).toBe(0);
  });

  it("rejects a missing required argument and a bad variable", async () => {
    const missing = await admin(emu, "{ inventoryItem { id } }");
    expect(missing.body.errors?.[0]).toMatchObject({
      message: "Field 'inventoryItem' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments" },
    });
    const badVariable = await admin(emu, "query($n: Int!) { locations(first: $n) { nodes { id } } }", { n: "ten" });
    expect(badVariable.body.errors?.[0]?.extensions.code).toBe("INVALID_VARIABLE");
    expect(badVariable.body.data).toBeUndefined();
  });
});

describe("Admin GraphQL: reads", () => {
  it("finds variants by a sku OR query, with inventory item and product", async () => {
    const { body } = await admin(
      emu,
      `query($q: String!) { productVariants(first: 10, query: $q) { nodes { id sku title inventoryItem { id sku tracked } product { id title handle } } } }`,
      { q: 'sku:TEE-BLK-M OR sku:"MUG-SND" OR sku:NOPE-1' },
    );
    const nodes = (body.data?.productVariants as { nodes: Record<string, unknown>[] }).nodes;
    const teeIndex = variantOf("TEE-BLK-M");
    expect(nodes.map((n) => n.sku)).toEqual(["TEE-BLK-M", "MUG-SND"]);
    expect(nodes[0]).toEqual({
      id: `gid://shopify/ProductVariant/${47_731_880_100_001 + teeIndex}`,
      sku: "TEE-BLK-M",
      title: "Black / M",
      inventoryItem: { id: `gid://shopify/InventoryItem/${49_833_214_300_001 + teeIndex}`, sku: "TEE-BLK-M", tracked: true },
      product: { id: "gid://shopify/Product/9021188100001", title: "Classic Organic Tee", handle: "classic-tee" },
    });
    const cost = body.extensions?.cost;
    // 2 + 10 × (variant 1 + inventoryItem 1 + product 1) requested; 2 + 2 × 3 actually returned.
    expect(cost?.requestedQueryCost).toBe(32);
    expect(cost?.actualQueryCost).toBe(8);
  });

  it("reports inventoryLevel / inventoryLevels quantities: available, committed, on_hand, others 0", async () => {
    await setAvailable(emu, "DWN-BLK-L", "wh-east", 7);
    await setAvailable(emu, "DWN-BLK-L", "wh-west", 2);
    const order = await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku: "DWN-BLK-L", quantity: 3 }] });
    expect(order.status).toBe(200);
    const id = await itemId(emu, "DWN-BLK-L");
    const { body } = await admin(
      emu,
      `query($id: ID!, $loc: ID!) { inventoryItem(id: $id) {
        sku
        inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { name quantity } }
        inventoryLevels(first: 5) { nodes { id location { id name } quantities(names: ["available", "committed", "on_hand", "incoming"]) { name quantity } } }
      } }`,
      { id, loc: WEST.gid },
    );
    const item = body.data?.inventoryItem as { sku: string; inventoryLevel: unknown; inventoryLevels: { nodes: unknown[] } };
    expect(item.sku).toBe("DWN-BLK-L");
    expect(item.inventoryLevel).toEqual({ quantities: [{ name: "available", quantity: 2 }] });
    const legacy = id.split("/").pop();
    expect(item.inventoryLevels.nodes).toEqual([
      {
        id: `gid://shopify/InventoryLevel/71001?inventory_item_id=${legacy}`,
        location: { id: EAST.gid, name: EAST.name },
        quantities: [
          { name: "available", quantity: 4 },
          { name: "committed", quantity: 3 },
          { name: "on_hand", quantity: 7 },
          { name: "incoming", quantity: 0 },
        ],
      },
      {
        id: `gid://shopify/InventoryLevel/71002?inventory_item_id=${legacy}`,
        location: { id: WEST.gid, name: WEST.name },
        quantities: [
          { name: "available", quantity: 2 },
          { name: "committed", quantity: 0 },
          { name: "on_hand", quantity: 2 },
          { name: "incoming", quantity: 0 },
        ],
      },
    ]);
  });

  it("lists locations in routing order and pages with cursors", async () => {
    const first = await admin(emu, "{ locations(first: 1) { nodes { id name isActive } pageInfo { hasNextPage endCursor } } }");
    const page = first.body.data?.locations as { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page.nodes).toEqual([{ id: EAST.gid, name: EAST.name, isActive: true }]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await admin(emu, "query($after: String) { locations(first: 5, after: $after) { nodes { id } pageInfo { hasNextPage } } }", {
      after: page.pageInfo.endCursor,
    });
    expect(second.body.data?.locations).toEqual({ nodes: [{ id: WEST.gid }], pageInfo: { hasNextPage: false } });
    const noSize = await admin(emu, "{ locations { nodes { id } } }");
    expect(noSize.body.errors?.[0]).toMatchObject({ message: "you must provide one of first or last", path: ["locations"] });
  });

  it("refuses a query over the single-query cost limit, e.g. the flush worker's 50-SKU lookup", async () => {
    const skus = demoCatalog.products.flatMap((p) => p.variants.map((v) => v.sku)).slice(0, 15);
    const { body } = await admin(emu, VARIANTS_BY_SKU_QUERY, { query: skus.map((s) => `sku:${s}`).join(" OR "), first: 30, levels: 10 });
    // 2 + 30 × (variant 1 + inventoryItem 1 + inventoryLevels(first: 10) (2 + 10 × (level 1 + location 1 + quantities 1))) = 1022
    expect(body.extensions?.cost.requestedQueryCost).toBe(1022);
    expect(body.errors?.[0]).toMatchObject({
      message: "Query cost is 1022, which exceeds the single query max cost limit (1000).",
      extensions: { code: "MAX_COST_EXCEEDED", maxCost: 1000 },
    });
    expect(body.data).toBeUndefined();
    const small = await admin(emu, VARIANTS_BY_SKU_QUERY, { query: "sku:TEE-BLK-M", first: 2, levels: 2 });
    expect(small.body.errors).toBeUndefined();
    expect((small.body.data?.productVariants as { nodes: unknown[] }).nodes).toHaveLength(1);
  });
});

describe("Admin GraphQL: inventory mutations (2026-04+ rules)", () => {
  const change = async (sku: string, location: { gid: string }, delta: number, changeFromQuantity: number | null) => ({
    inventoryItemId: await itemId(emu, sku),
    locationId: location.gid,
    delta,
    changeFromQuantity,
  });
  const adjustInput = (changes: unknown[]) => ({ name: "available", reason: "correction", referenceDocumentUri: "gid://stock-layer/StockEvent/test", changes });

  it("rejects a mutation without @idempotent and applies nothing", async () => {
    await setAvailable(emu, "TEE-WHT-S", "wh-east", 5);
    const { body } = await admin(
      emu,
      `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { userErrors { code } } }`,
      {
        input: adjustInput([await change("TEE-WHT-S", EAST, 3, null)]),
      },
    );
    expect(body.errors).toEqual([
      {
        message: "The @idempotent directive is required for this mutation but was not provided.",
        locations: [{ line: 1, column: 53 }],
        path: ["inventoryAdjustQuantities"],
        extensions: { code: "BAD_REQUEST" },
      },
    ]);
    expect(body.data).toEqual({ inventoryAdjustQuantities: null });
    expect((await levels(emu, "TEE-WHT-S"))["TEE-WHT-S"]?.["wh-east"]?.available).toBe(5);
    const set = await admin(emu, `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }`, {
      input: {
        name: "available",
        reason: "correction",
        quantities: [{ inventoryItemId: await itemId(emu, "TEE-WHT-S"), locationId: EAST.gid, quantity: 9, changeFromQuantity: 5 }],
      },
    });
    expect(set.body.errors?.[0]?.extensions.code).toBe("BAD_REQUEST");
    expect((await levels(emu, "TEE-WHT-S"))["TEE-WHT-S"]?.["wh-east"]?.available).toBe(5);
  });

  it("rejects an item without changeFromQuantity; an explicit null opts out of the check", async () => {
    await setAvailable(emu, "TEE-WHT-M", "wh-east", 5);
    const id = await itemId(emu, "TEE-WHT-M");
    const missing = await admin(emu, ADJUST, { key: newKey(), input: adjustInput([{ inventoryItemId: id, locationId: EAST.gid, delta: 2 }]) });
    expect(missing.body.errors?.[0]).toMatchObject({
      message: "InventoryChangeInput must include the following argument: changeFromQuantity.",
      path: ["inventoryAdjustQuantities"],
      extensions: { code: "INVALID_FIELD_ARGUMENTS" },
    });
    expect(missing.body.data).toEqual({ inventoryAdjustQuantities: null });
    const missingSet = await admin(emu, SET, {
      key: newKey(),
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: id, locationId: EAST.gid, quantity: 1 }] },
    });
    expect(missingSet.body.errors?.[0]?.message).toBe("InventoryQuantityInput must include the following argument: changeFromQuantity.");
    expect((await levels(emu, "TEE-WHT-M"))["TEE-WHT-M"]?.["wh-east"]?.available).toBe(5);

    const optOut = await admin(emu, ADJUST, {
      key: newKey(),
      input: adjustInput([{ inventoryItemId: id, locationId: EAST.gid, delta: 2, changeFromQuantity: null }]),
    });
    const payload = payloadOf(optOut.body, "inventoryAdjustQuantities");
    expect(payload.userErrors).toEqual([]);
    expect(payload.inventoryAdjustmentGroup?.reason).toBe("correction");
    expect(payload.inventoryAdjustmentGroup?.referenceDocumentUri).toBe("gid://stock-layer/StockEvent/test");
    expect(payload.inventoryAdjustmentGroup?.changes).toEqual([
      { name: "available", delta: 2, quantityAfterChange: 7, item: { id, sku: "TEE-WHT-M" }, location: { id: EAST.gid } },
      { name: "on_hand", delta: 2, quantityAfterChange: 7, item: { id, sku: "TEE-WHT-M" }, location: { id: EAST.gid } },
    ]);
    expect((await levels(emu, "TEE-WHT-M"))["TEE-WHT-M"]?.["wh-east"]?.available).toBe(7);
  });

  it("answers a stale changeFromQuantity with CHANGE_FROM_QUANTITY_STALE and applies nothing of the mutation", async () => {
    await setAvailable(emu, "TEE-WHT-L", "wh-east", 6);
    await setAvailable(emu, "TEE-NVY-S", "wh-west", 4);
    const { body } = await admin(emu, ADJUST, {
      key: newKey(),
      input: adjustInput([await change("TEE-NVY-S", WEST, -1, 4), await change("TEE-WHT-L", EAST, -2, 5)]),
    });
    const payload = payloadOf(body, "inventoryAdjustQuantities");
    expect(payload.inventoryAdjustmentGroup).toBeNull();
    expect(payload.userErrors).toEqual([
      {
        field: ["input", "changes", "1", "changeFromQuantity"],
        message: "The changeFromQuantity argument no longer matches the persisted quantity.",
        code: "CHANGE_FROM_QUANTITY_STALE",
      },
    ]);
    const after = await levels(emu, "TEE-WHT-L", "TEE-NVY-S");
    expect(after["TEE-WHT-L"]?.["wh-east"]?.available).toBe(6);
    expect(after["TEE-NVY-S"]?.["wh-west"]?.available).toBe(4);

    const stale = await admin(emu, SET, {
      key: newKey(),
      input: {
        name: "available",
        reason: "correction",
        quantities: [{ inventoryItemId: await itemId(emu, "TEE-WHT-L"), locationId: EAST.gid, quantity: 20, changeFromQuantity: 99 }],
      },
    });
    expect(payloadOf(stale.body, "inventorySetQuantities").userErrors.map((e) => e.code)).toEqual(["CHANGE_FROM_QUANTITY_STALE"]);
    const fresh = await admin(emu, SET, {
      key: newKey(),
      input: {
        name: "available",
        reason: "correction",
        quantities: [{ inventoryItemId: await itemId(emu, "TEE-WHT-L"), locationId: EAST.gid, quantity: 20, changeFromQuantity: 6 }],
      },
    });
    expect(payloadOf(fresh.body, "inventorySetQuantities").inventoryAdjustmentGroup?.changes).toEqual([
      { name: "available", delta: 14, quantityAfterChange: 20 },
      { name: "on_hand", delta: 14, quantityAfterChange: 20 },
    ]);
    expect((await levels(emu, "TEE-WHT-L"))["TEE-WHT-L"]?.["wh-east"]?.available).toBe(20);
  });

  it("answers unknown items and locations with INVALID_INVENTORY_ITEM / INVALID_LOCATION", async () => {
    const { body } = await admin(emu, ADJUST, {
      key: newKey(),
      input: adjustInput([
        { inventoryItemId: "gid://shopify/InventoryItem/1", locationId: EAST.gid, delta: 1, changeFromQuantity: null },
        { inventoryItemId: await itemId(emu, "TEE-BLK-M"), locationId: "gid://shopify/Location/999", delta: 1, changeFromQuantity: null },
      ]),
    });
    expect(payloadOf(body, "inventoryAdjustQuantities").userErrors).toEqual([
      { field: ["input", "changes", "0", "inventoryItemId"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" },
      { field: ["input", "changes", "1", "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" },
    ]);
  });

  it("lets available go below zero, as Shopify does", async () => {
    await setAvailable(emu, "TEE-NVY-M", "wh-east", 1);
    const { body } = await admin(emu, ADJUST, { key: newKey(), input: adjustInput([await change("TEE-NVY-M", EAST, -3, 1)]) });
    expect(payloadOf(body, "inventoryAdjustQuantities").userErrors).toEqual([]);
    expect((await levels(emu, "TEE-NVY-M"))["TEE-NVY-M"]?.["wh-east"]).toEqual({ available: -2, committed: 0, onHand: -2 });
  });

  it("replays the first result for the same key and input, applying it once", async () => {
    await setAvailable(emu, "TEE-NVY-L", "wh-east", 10);
    const stats0 = (await control(emu, "GET", "/_emulator/stats")).body as { idempotentReplays: number; mutationsApplied: number };
    const key = newKey();
    const variables = { key, input: adjustInput([await change("TEE-NVY-L", EAST, -4, 10)]) };
    const first = await admin(emu, ADJUST, variables);
    const second = await admin(emu, ADJUST, variables);
    const a = payloadOf(first.body, "inventoryAdjustQuantities");
    const b = payloadOf(second.body, "inventoryAdjustQuantities");
    expect(a.userErrors).toEqual([]);
    expect(b).toEqual(a);
    expect(a.inventoryAdjustmentGroup?.changes[0]?.quantityAfterChange).toBe(6);
    expect((await levels(emu, "TEE-NVY-L"))["TEE-NVY-L"]?.["wh-east"]?.available).toBe(6);
    const stats1 = (await control(emu, "GET", "/_emulator/stats")).body as { idempotentReplays: number; mutationsApplied: number };
    expect(stats1.idempotentReplays - stats0.idempotentReplays).toBe(1);
    expect(stats1.mutationsApplied - stats0.mutationsApplied).toBe(1);
    const log = (await control(emu, "GET", "/_emulator/requests?limit=2")).body as {
      requests: { idempotencyKey: string; replayed: boolean; operationName: string; requestedCost: number }[];
    };
    expect(log.requests.map((r) => [r.operationName, r.idempotencyKey, r.replayed, r.requestedCost])).toEqual([
      ["Adjust", key, false, 10],
      ["Adjust", key, true, 10],
    ]);
  });

  it("answers the same key with other input with IDEMPOTENCY_KEY_PARAMETER_MISMATCH and applies nothing", async () => {
    await setAvailable(emu, "TRL-GRY-41", "wh-east", 8);
    const key = newKey();
    const first = await admin(emu, ADJUST, { key, input: adjustInput([await change("TRL-GRY-41", EAST, -1, null)]) });
    expect(payloadOf(first.body, "inventoryAdjustQuantities").userErrors).toEqual([]);
    const other = await admin(emu, ADJUST, { key, input: adjustInput([await change("TRL-GRY-41", EAST, -5, null)]) });
    expect(payloadOf(other.body, "inventoryAdjustQuantities")).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [
        { field: null, message: "The same idempotency key cannot be used with different operation parameters.", code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" },
      ],
    });
    expect((await levels(emu, "TRL-GRY-41"))["TRL-GRY-41"]?.["wh-east"]?.available).toBe(7);
  });
});

describe("Admin GraphQL: cost-based throttling", () => {
  it("throttles a burst of mutations once the bucket is empty, reports the bucket, and restores over time", async () => {
    // A manual clock for the bucket: how many of a burst fit must not depend on how fast this machine sends it.
    let clockMs = 0;
    const local = await start(receiver, { plan: { restoreRate: 20, bucketSize: 50 }, bucketClock: () => clockMs });
    try {
      const id = (await admin(local, `{ productVariants(first: 1, query: "sku:MUG-SND") { nodes { inventoryItem { id } } } }`)).body.data?.productVariants as {
        nodes: { inventoryItem: { id: string } }[];
      };
      const inventoryItemId = id.nodes[0]?.inventoryItem.id;
      // That read cost 4 of 50 (2 + 1 × (variant + inventoryItem)), restored in 0.2 s.
      clockMs += 300;
      const burst = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          admin(local, ADJUST, {
            key: `burst-${i}`,
            input: { name: "available", reason: "correction", changes: [{ inventoryItemId, locationId: EAST.gid, delta: 1, changeFromQuantity: null }] },
          }),
        ),
      );
      const throttled = burst.filter((r) => r.body.errors?.[0]?.extensions.code === "THROTTLED");
      const applied = burst.filter((r) => r.body.data?.inventoryAdjustQuantities);
      expect(applied).toHaveLength(5);
      expect(throttled).toHaveLength(3);
      for (const r of throttled) {
        expect(r.status).toBe(200);
        expect(r.body.errors).toEqual([
          { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
        ]);
        expect(r.body.data).toBeUndefined();
        expect(r.body.extensions?.cost.requestedQueryCost).toBe(10);
        expect(r.body.extensions?.cost.actualQueryCost).toBeNull();
        expect(r.body.extensions?.cost.throttleStatus.maximumAvailable).toBe(50);
        expect(r.body.extensions?.cost.throttleStatus.restoreRate).toBe(20);
        expect(r.body.extensions?.cost.throttleStatus.currentlyAvailable).toBeLessThan(10);
      }
      // Throttled requests ran nothing: 5 units, not 8.
      expect((await levels(local, "MUG-SND"))["MUG-SND"]?.["wh-east"]?.available).toBe(5);
      clockMs += 600;
      // The burst left the bucket empty; 12 points back after 0.6 s at 20/s, minus this read's 1.
      const restored = (await admin(local, "{ shop { id } }")).body.extensions?.cost.throttleStatus.currentlyAvailable ?? -1;
      expect(restored).toBe(11);
      const retried = await admin(local, ADJUST, {
        key: "burst-retry",
        input: { name: "available", reason: "correction", changes: [{ inventoryItemId, locationId: EAST.gid, delta: 1, changeFromQuantity: null }] },
      });
      expect(retried.body.errors).toBeUndefined();
      expect(retried.body.extensions?.cost.throttleStatus.currentlyAvailable).toBeLessThan(restored);
      expect((await levels(local, "MUG-SND"))["MUG-SND"]?.["wh-east"]?.available).toBe(6);
      const stats = (await control(local, "GET", "/_emulator/stats")).body as {
        throttled: number;
        peakBucketUsage: number;
        bucket: { maximumAvailable: number };
      };
      expect(stats.throttled).toBe(3);
      expect(stats.peakBucketUsage).toBeGreaterThanOrEqual(46);
      expect(stats.bucket.maximumAvailable).toBe(50);
    } finally {
      await local.stop();
    }
  });

  it("answers every GraphQL response with extensions.cost; the plan is switchable at runtime", async () => {
    const local = await start(receiver);
    try {
      const { body } = await admin(local, "{ shop { name } }");
      expect(body.extensions?.cost).toEqual({
        requestedQueryCost: 1,
        actualQueryCost: 1,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 },
      });
      const plan = await control(local, "POST", "/_emulator/plan", { restoreRate: 1000, bucketSize: 20000 });
      expect(plan.body).toEqual({ bucket: { maximumAvailable: 20000, currentlyAvailable: 20000, restoreRate: 1000 } });
      expect((await admin(local, "{ shop { name } }")).body.extensions?.cost.throttleStatus.maximumAvailable).toBe(20000);
    } finally {
      await local.stop();
    }
  });
});

describe("Admin GraphQL through the real @shopify/admin-api-client", () => {
  it("runs a query and an idempotent mutation against the emulator's http URL", async () => {
    await setAvailable(emu, "TRL-GRY-42", "wh-west", 3);
    const fetched: string[] = [];
    const client = createAdminApiClient({
      storeDomain: SHOP,
      apiVersion: "2026-10",
      accessToken: ADMIN_TOKEN,
      // The client always builds https://<storeDomain>/admin/api/<version>/graphql.json; keep path and headers, swap the origin.
      customFetchApi: (url, init) => {
        const target = new URL(url);
        fetched.push(target.href);
        return fetch(`${emu.url}${target.pathname}${target.search}`, init);
      },
      logger: () => undefined,
    });
    const read = await client.request<{
      productVariants: { nodes: { sku: string; inventoryItem: { id: string; inventoryLevel: { quantities: { name: string; quantity: number }[] } } }[] };
    }>(
      `query Find($q: String!, $loc: ID!) { productVariants(first: 1, query: $q) { nodes { sku inventoryItem { id inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { name quantity } } } } } }`,
      { variables: { q: "sku:TRL-GRY-42", loc: WEST.gid } },
    );
    expect(fetched).toEqual([`https://${SHOP}/admin/api/2026-10/graphql.json`]);
    expect(read.errors).toBeUndefined();
    const node = read.data?.productVariants.nodes[0];
    expect(node?.sku).toBe("TRL-GRY-42");
    expect(node?.inventoryItem.inventoryLevel.quantities).toEqual([{ name: "available", quantity: 3 }]);
    expect(read.extensions?.cost?.throttleStatus?.maximumAvailable).toBe(2000);

    const write = await client.request<{ inventoryAdjustQuantities: Payload }>(ADJUST, {
      variables: {
        key: newKey(),
        input: {
          name: "available",
          reason: "received",
          changes: [{ inventoryItemId: node?.inventoryItem.id, locationId: WEST.gid, delta: 5, changeFromQuantity: 3 }],
        },
      },
    });
    expect(write.errors).toBeUndefined();
    expect(write.data?.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(write.data?.inventoryAdjustQuantities.inventoryAdjustmentGroup?.changes[0]).toMatchObject({ name: "available", delta: 5, quantityAfterChange: 8 });
    expect(write.extensions?.cost?.requestedQueryCost).toBe(10);
    expect((await levels(emu, "TRL-GRY-42"))["TRL-GRY-42"]?.["wh-west"]?.available).toBe(8);

    const rejected = await client.request(ADJUST.replace(" @idempotent(key: $key)", "").replace(", $key: String!", ""), {
      variables: {
        input: {
          name: "available",
          reason: "received",
          changes: [{ inventoryItemId: node?.inventoryItem.id, locationId: WEST.gid, delta: 5, changeFromQuantity: null }],
        },
      },
    });
    expect(rejected.errors?.graphQLErrors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });
});

// ---------------------------------------------------------------- checkout and webhooks

interface CheckoutResult {
  orderId: number;
  name: string;
  lines: { lineItemId: number; sku: string; quantity: number; locationId: string }[];
}

function expectSignedShopifyDelivery(d: FakeAppDelivery, topic: string): void {
  expect(verifySignature(d.raw, header(d, "x-shopify-hmac-sha256"), SECRET)).toBe(true);
  expect(verifySignature(d.raw, header(d, "x-shopify-hmac-sha256"), "another-secret")).toBe(false);
  expect(header(d, "x-shopify-topic")).toBe(topic);
  expect(header(d, "x-shopify-shop-domain")).toBe(SHOP);
  expect(header(d, "x-shopify-api-version")).toBe("2026-10");
  expect(header(d, "x-shopify-webhook-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(header(d, "x-shopify-event-id")).toMatch(/^[0-9a-f-]{36}$/);
  expect(Date.parse(header(d, "x-shopify-triggered-at"))).toBeGreaterThan(Date.now() - 60_000);
}

describe("checkout", () => {
  it("routes like Shopify (one location for the whole order when one can ship it) and announces each fulfillment order by id after orders/create", async () => {
    await setAvailable(emu, "LIN-WHT-M", "wh-east", 5);
    await setAvailable(emu, "LIN-WHT-M", "wh-west", 5);
    await setAvailable(emu, "TOT-TAN", "wh-east", 0);
    await setAvailable(emu, "TOT-TAN", "wh-west", 2);
    const seen = webhooks(receiver, "fulfillment_orders/order_routing_complete").length;
    const { status, body } = await control(emu, "POST", "/_emulator/checkout", {
      lines: [
        { sku: "LIN-WHT-M", quantity: 1 },
        { sku: "TOT-TAN", quantity: 1 },
      ],
    });
    expect(status).toBe(200);
    // East is ranked first and has the tee, but only west ships the whole order: minimise split wins.
    expect((body as CheckoutResult).lines.map((l) => l.locationId)).toEqual(["wh-west", "wh-west"]);
    await emu.sender.idle();
    const routed = webhooks(receiver, "fulfillment_orders/order_routing_complete").slice(seen);
    expect(routed).toHaveLength(1);
    expectSignedShopifyDelivery(routed[0]!, "fulfillment_orders/order_routing_complete");
    expect(routed[0]!.body).toEqual({ fulfillment_order: { id: expect.stringMatching(/^gid:\/\/shopify\/FulfillmentOrder\/\d+$/), status: "open" } });
  });

  it("takes each line from the first location that covers it, commits it, and sends a signed orders/create", async () => {
    await setAvailable(emu, "TEE-BLK-S", "wh-east", 1);
    await setAvailable(emu, "TEE-BLK-S", "wh-west", 5);
    await setAvailable(emu, "MUG-SND", "wh-east", 4);
    const before = await levels(emu, "TEE-BLK-S", "MUG-SND");
    const { status, body } = await control(emu, "POST", "/_emulator/checkout", {
      lines: [
        { sku: "TEE-BLK-S", quantity: 2 },
        { sku: "MUG-SND", quantity: 1 },
      ],
      email: "maya@example.com",
    });
    expect(status).toBe(200);
    const order = body as CheckoutResult;
    expect(String(order.orderId)).toMatch(/^\d{13}$/);
    expect(order.name).toMatch(/^#\d{4}$/);
    expect(order.lines.map((l) => [l.sku, l.quantity, l.locationId])).toEqual([
      ["TEE-BLK-S", 2, "wh-west"],
      ["MUG-SND", 1, "wh-east"],
    ]);
    const after = await levels(emu, "TEE-BLK-S", "MUG-SND");
    expect(after["TEE-BLK-S"]).toEqual({ "wh-east": before["TEE-BLK-S"]?.["wh-east"], "wh-west": { available: 3, committed: 2, onHand: 5 } });
    expect(after["MUG-SND"]?.["wh-east"]).toEqual({ available: 3, committed: 1, onHand: 4 });

    await emu.sender.idle();
    const [delivery, ...rest] = webhooks(receiver, "orders/create");
    expect(rest).toHaveLength(0);
    if (!delivery) throw new Error("no orders/create delivered");
    expectSignedShopifyDelivery(delivery, "orders/create");
    const payload = delivery.body as { id: number; name: string; location_id: unknown; email: string; line_items: Record<string, unknown>[] };
    expect(payload.id).toBe(order.orderId);
    expect(payload.name).toBe(order.name);
    expect(payload.location_id).toBeNull();
    expect(payload.email).toBe("maya@example.com");
    const teeIndex = variantOf("TEE-BLK-S");
    expect(payload.line_items[0]).toMatchObject({
      id: order.lines[0]?.lineItemId,
      sku: "TEE-BLK-S",
      quantity: 2,
      current_quantity: 2,
      fulfillable_quantity: 2,
      price: "28.00",
      price_set: { shop_money: { amount: "28.00", currency_code: "USD" }, presentment_money: { amount: "28.00", currency_code: "USD" } },
      variant_id: 47_731_880_100_001 + teeIndex,
      product_id: 9_021_188_100_001,
      title: "Classic Organic Tee",
      variant_title: "Black / S",
      name: "Classic Organic Tee - Black / S",
      gift_card: false,
      requires_shipping: true,
      variant_inventory_management: "shopify",
    });
    // Same top-level and line-item keys as Shopify's real payload.
    expect(Object.keys(payload).sort()).toEqual(Object.keys(ordersCreateFixture).sort());
    expect(Object.keys(payload.line_items[0] ?? {}).sort()).toEqual(Object.keys(ordersCreateFixture.line_items[0] ?? {}).sort());

    const events = parseShopifyWebhook("orders/create", delivery.body);
    expect(events.map((e) => [e.kind, e.sku, "quantity" in e ? e.quantity : null, e.id])).toEqual([
      ["reserve", "TEE-BLK-S", 2, `shopify:reserve:${order.orderId}:${order.lines[0]?.lineItemId}`],
      ["reserve", "MUG-SND", 1, `shopify:reserve:${order.orderId}:${order.lines[1]?.lineItemId}`],
    ]);
  });

  it("refuses when any line is short: 409, nothing changes, no webhook", async () => {
    await setAvailable(emu, "TRL-GRY-43", "wh-east", 2);
    await setAvailable(emu, "TRL-GRY-43", "wh-west", 2);
    await setAvailable(emu, "TRL-GRY-44", "wh-east", 9);
    const before = await levels(emu, "TRL-GRY-43", "TRL-GRY-44");
    const { status, body } = await control(emu, "POST", "/_emulator/checkout", {
      lines: [
        { sku: "TRL-GRY-44", quantity: 1 },
        { sku: "TRL-GRY-43", quantity: 3 },
      ],
    });
    expect(status).toBe(409);
    expect(body).toEqual({ error: "insufficient_stock", lines: [{ sku: "TRL-GRY-43", requested: 3, available: 2 }] });
    expect(await levels(emu, "TRL-GRY-43", "TRL-GRY-44")).toEqual(before);
    await emu.sender.idle();
    expect(receiver.deliveries).toHaveLength(0);
    // The stand-in refuses a badly signed body instead of recording it: that must not hide a webhook either.
    expect(receiver.rejected).toEqual([]);
    const unknown = await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku: "NOPE", quantity: 1 }] });
    expect(unknown.status).toBe(400);
  });

  it("cancels (restock + orders/cancelled with its paired refunds/create) and refunds (refunds/create), each parsed by our intake", async () => {
    await setAvailable(emu, "TEE-NVY-S", "wh-east", 6);
    const order = (await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku: "TEE-NVY-S", quantity: 3 }] })).body as CheckoutResult;
    const lineItemId = order.lines[0]?.lineItemId;
    const refund = await control(emu, "POST", `/_emulator/orders/${order.orderId}/refund`, { lines: [{ lineItemId, quantity: 1, restockType: "cancel" }] });
    expect(refund.status).toBe(200);
    expect((await levels(emu, "TEE-NVY-S"))["TEE-NVY-S"]?.["wh-east"]).toEqual({ available: 4, committed: 2, onHand: 6 });
    const tooMany = await control(emu, "POST", `/_emulator/orders/${order.orderId}/refund`, { lines: [{ lineItemId, quantity: 5, restockType: "cancel" }] });
    expect(tooMany.status).toBe(409);

    // orderCancel's restock is a required choice.
    expect((await control(emu, "POST", `/_emulator/orders/${order.orderId}/cancel`, {})).status).toBe(400);
    const cancel = await control(emu, "POST", `/_emulator/orders/${order.orderId}/cancel`, { restock: true });
    expect(cancel.status).toBe(200);
    expect((await levels(emu, "TEE-NVY-S"))["TEE-NVY-S"]?.["wh-east"]).toEqual({ available: 6, committed: 0, onHand: 6 });
    expect((await control(emu, "POST", `/_emulator/orders/${order.orderId}/cancel`, { restock: true })).status).toBe(409);

    await emu.sender.idle();
    const parsed = (topic: ShopifyTopic) =>
      webhooks(receiver, topic).map((d) => {
        expectSignedShopifyDelivery(d, topic);
        return parseShopifyWebhook(topic, d.body);
      });
    const refundId = (refund.body as { refundId: number }).refundId;
    const refunds = parsed("refunds/create");
    expect(refunds.map((events) => events.map((e) => [e.kind, e.sku, "quantity" in e ? e.quantity : null]))).toEqual([
      [["release", "TEE-NVY-S", 1]],
      [["release", "TEE-NVY-S", 2]],
    ]);
    expect(refunds[0]?.[0]?.id).toMatch(new RegExp(`^shopify:refund:${refundId}:\\d+$`));
    // The cancellation's own refund and orders/cancelled are one merchant action: one event id.
    const [cancelledDelivery] = webhooks(receiver, "orders/cancelled");
    const cancelRefund = webhooks(receiver, "refunds/create")[1];
    expect(cancelRefund && header(cancelRefund, "x-shopify-event-id")).toBe(cancelledDelivery && header(cancelledDelivery, "x-shopify-event-id"));
    expect(parsed("orders/cancelled").map((events) => events.map((e) => [e.kind, e.sku, e.id]))).toEqual([
      [["cancel_line", "TEE-NVY-S", `shopify:cancel:${order.orderId}:${lineItemId}`], ...refunds.flat().map((e) => [e.kind, e.sku, e.id])],
    ]);
    const cancelled = webhooks(receiver, "orders/cancelled")[0]?.body as {
      cancelled_at: string;
      financial_status: string;
      refunds: unknown[];
      line_items: { current_quantity: number; fulfillable_quantity: number }[];
    };
    expect(cancelled.cancelled_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00$/);
    expect(cancelled.refunds).toHaveLength(2);
    expect(cancelled.line_items[0]).toMatchObject({ quantity: 3, current_quantity: 0, fulfillable_quantity: 0 });
  });

  it("cancels without restock: the units leave committed but not back to available; the refund lines say no_restock", async () => {
    await setAvailable(emu, "TEE-NVY-L", "wh-east", 5);
    const order = (await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku: "TEE-NVY-L", quantity: 2 }] })).body as CheckoutResult;
    expect((await control(emu, "POST", `/_emulator/orders/${order.orderId}/cancel`, { restock: false })).status).toBe(200);
    expect((await levels(emu, "TEE-NVY-L"))["TEE-NVY-L"]?.["wh-east"]).toEqual({ available: 3, committed: 0, onHand: 3 });
    await emu.sender.idle();
    const refund = webhooks(receiver, "refunds/create").at(-1);
    expect((refund?.body as { refund_line_items: { restock_type: string }[] }).refund_line_items.map((l) => l.restock_type)).toEqual(["no_restock"]);
    const events = parseShopifyWebhook("refunds/create", refund?.body);
    expect(events).toEqual([expect.objectContaining({ kind: "release", quantity: 2, restocked: false })]);
  });

  it("a POS counter sale takes the units off at its location at once, with Shopify's numeric location id; an app order bypasses inventory", async () => {
    await setAvailable(emu, "TEE-WHT-M", "wh-west", 4);
    const sale = await control(emu, "POST", "/_emulator/pos-sales", { locationId: "wh-west", lines: [{ sku: "TEE-WHT-M", quantity: 1 }] });
    expect(sale.status).toBe(200);
    expect((await levels(emu, "TEE-WHT-M"))["TEE-WHT-M"]?.["wh-west"]).toEqual({ available: 3, committed: 0, onHand: 3 });
    await setAvailable(emu, "TEE-WHT-M", "wh-east", 2);
    const app = await control(emu, "POST", "/_emulator/api-orders", { lines: [{ sku: "TEE-WHT-M", quantity: 2 }], sourceName: "marketplace-connector" });
    expect(app.status).toBe(200);
    expect((app.body as CheckoutResult).lines[0]?.locationId).toBe("wh-east");
    expect((await levels(emu, "TEE-WHT-M"))["TEE-WHT-M"]).toEqual({
      "wh-east": { available: 2, committed: 0, onHand: 2 },
      "wh-west": { available: 3, committed: 0, onHand: 3 },
    });
    await emu.sender.idle();
    const [pos, api] = webhooks(receiver, "orders/create")
      .slice(-2)
      .map((d) => d.body as { location_id: number | null; source_name: string; line_items: Record<string, unknown>[] });
    expect(pos).toMatchObject({ location_id: 71002, source_name: "pos" });
    expect(pos?.line_items[0]).toMatchObject({ fulfillment_status: "fulfilled", fulfillable_quantity: 0 });
    expect(api).toMatchObject({ location_id: null, source_name: "marketplace-connector" });
  });

  it("fulfils (committed leaves), then a return refund restocks available and yields a channel restock", async () => {
    await setAvailable(emu, "TEE-NVY-M", "wh-west", 3);
    await setAvailable(emu, "TEE-NVY-M", "wh-east", 0);
    const order = (await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku: "TEE-NVY-M", quantity: 2 }] })).body as CheckoutResult;
    expect((await control(emu, "POST", `/_emulator/orders/${order.orderId}/fulfill`)).status).toBe(200);
    expect((await levels(emu, "TEE-NVY-M"))["TEE-NVY-M"]?.["wh-west"]).toEqual({ available: 1, committed: 0, onHand: 1 });
    const refund = await control(emu, "POST", `/_emulator/orders/${order.orderId}/refund`, {
      lines: [{ lineItemId: order.lines[0]?.lineItemId, quantity: 1, restockType: "return" }],
    });
    expect(refund.status).toBe(200);
    expect((await levels(emu, "TEE-NVY-M"))["TEE-NVY-M"]?.["wh-west"]).toEqual({ available: 2, committed: 0, onHand: 2 });
    await emu.sender.idle();
    const [delivery] = webhooks(receiver, "refunds/create");
    if (!delivery) throw new Error("no refunds/create delivered");
    expect((delivery.body as { refund_line_items: { restock_type: string; location_id: number }[] }).refund_line_items[0]).toMatchObject({
      restock_type: "return",
      location_id: 71002,
    });
    expect(parseShopifyWebhook("refunds/create", delivery.body)).toEqual([expect.objectContaining({ kind: "channel_restock", quantity: 1 })]);
  });

  // https://shopify.dev/docs/apps/build/webhooks/delivery-structure: the webhook id is "a unique
  // composite key per delivery", the one to deduplicate on, so a duplicate of a delivery keeps it.
  it("keeps X-Shopify-Event-Id and X-Shopify-Webhook-Id across duplicate deliveries", async () => {
    const set = await control(emu, "POST", "/_emulator/delivery", { duplicateRate: 1, lagMs: { min: 0, max: 20 } });
    expect(set.body).toEqual({ delivery: { lagMs: { min: 0, max: 20 }, duplicateRate: 1, maxAttempts: 8 } });
    try {
      await setAvailable(emu, "TEE-WHT-S", "wh-west", 5);
      const order = (await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku: "TEE-WHT-S", quantity: 1 }] })).body as CheckoutResult;
      await emu.sender.idle();
      const copies = webhooks(receiver, "orders/create");
      expect(copies).toHaveLength(2);
      for (const copy of copies) expectSignedShopifyDelivery(copy, "orders/create");
      expect(new Set(copies.map((c) => header(c, "x-shopify-event-id"))).size).toBe(1);
      expect(new Set(copies.map((c) => header(c, "x-shopify-webhook-id"))).size).toBe(1);
      expect(copies.map((c) => (c.body as { id: number }).id)).toEqual([order.orderId, order.orderId]);
      const stats = (await control(emu, "GET", "/_emulator/stats")).body as { webhooks: { duplicates: number } };
      expect(stats.webhooks.duplicates).toBeGreaterThanOrEqual(1);
    } finally {
      await control(emu, "POST", "/_emulator/delivery", { duplicateRate: 0, lagMs: { min: 0, max: 0 } });
    }
  });

  it("sends products/update when the product copy changes, and the storefront serves the new copy", async () => {
    const { status } = await control(emu, "POST", "/_emulator/products/trail-runner", { title: "Trail Runner 3", priceCents: 13900 });
    expect(status).toBe(200);
    await emu.sender.idle();
    const [delivery] = webhooks(receiver, "products/update");
    if (!delivery) throw new Error("no products/update delivered");
    expectSignedShopifyDelivery(delivery, "products/update");
    const body = delivery.body as {
      id: number;
      title: string;
      handle: string;
      admin_graphql_api_id: string;
      body_html: string;
      updated_at: string;
      variants: { sku: string; price: string; product_id: number }[];
    };
    expect(body).toMatchObject({
      id: 9_021_188_100_002,
      title: "Trail Runner 3",
      handle: "trail-runner",
      admin_graphql_api_id: "gid://shopify/Product/9021188100002",
    });
    expect(body.body_html).toBe("<p>Grippy, light and ready for mud.</p>");
    expect(body.variants.map((v) => [v.sku, v.price, v.product_id])).toContainEqual(["TRL-GRY-41", "139.00", 9_021_188_100_002]);
    expect(body.updated_at).toMatch(/-05:00$/);
    const sf = await storefront(emu, `{ product(handle: "trail-runner") { title priceRange { minVariantPrice { amount } } } }`);
    expect(sf.body.data).toEqual({ product: { title: "Trail Runner 3", priceRange: { minVariantPrice: { amount: "139.0" } } } });
  });

  it("forwards each new order to the fulfillment URL", async () => {
    const wms = await startReceiver();
    const local = await start(receiver, { fulfillmentUrl: `${wms.url}/orders`, initialAvailable: { "MUG-SND": { "wh-west": 2 } } });
    try {
      const order = (await control(local, "POST", "/_emulator/checkout", { lines: [{ sku: "MUG-SND", quantity: 2 }] })).body as CheckoutResult;
      await expect.poll(() => wms.deliveries.length, { timeout: 5_000 }).toBe(1);
      expect(wms.deliveries[0]?.path).toBe("/orders");
      expect(wms.deliveries[0]?.body).toEqual({
        orderId: `shopify:${order.orderId}`,
        channel: "shopify",
        lines: [{ lineId: String(order.lines[0]?.lineItemId), sku: "MUG-SND", quantity: 2, locationId: "wh-west" }],
      });
    } finally {
      await local.stop();
      await wms.stop();
    }
  });
});

// ---------------------------------------------------------------- Storefront API

describe("Storefront API", () => {
  const PRODUCT = /* GraphQL */ `
    query Product($handle: String!) {
      product(handle: $handle) {
        id
        handle
        title
        description
        descriptionHtml
        featuredImage {
          url
          altText
        }
        priceRange {
          minVariantPrice {
            amount
            currencyCode
          }
          maxVariantPrice {
            amount
            currencyCode
          }
        }
        options {
          name
          values
        }
        variants(first: 3) {
          nodes {
            id
            sku
            title
            availableForSale
            quantityAvailable
            price {
              amount
              currencyCode
            }
            selectedOptions {
              name
              value
            }
            image {
              url
            }
          }
        }
      }
    }
  `;

  it("serves product(handle) with live quantityAvailable summed over locations", async () => {
    await setAvailable(emu, "TEE-BLK-S", "wh-east", 2);
    await setAvailable(emu, "TEE-BLK-S", "wh-west", 3);
    await setAvailable(emu, "TEE-BLK-L", "wh-east", 0);
    await setAvailable(emu, "TEE-BLK-L", "wh-west", 0);
    const { status, body } = await storefront(emu, PRODUCT, { handle: "classic-tee" });
    expect(status).toBe(200);
    const product = body.data?.product as Record<string, unknown> & { variants: { nodes: Record<string, unknown>[] } };
    const tee = demoCatalog.products[0];
    expect(product).toMatchObject({
      id: "gid://shopify/Product/9021188100001",
      handle: "classic-tee",
      title: tee?.title,
      description: tee?.description,
      featuredImage: { url: tee?.image, altText: tee?.imageAlt },
      priceRange: { minVariantPrice: { amount: "28.0", currencyCode: "USD" }, maxVariantPrice: { amount: "30.0", currencyCode: "USD" } },
      options: [
        { name: "Color", values: ["Black", "White", "Navy"] },
        { name: "Size", values: ["S", "M", "L"] },
      ],
    });
    const bySku = Object.fromEntries(product.variants.nodes.map((v) => [v.sku, v]));
    expect(bySku["TEE-BLK-S"]).toMatchObject({
      id: "gid://shopify/ProductVariant/47731880100001",
      availableForSale: true,
      quantityAvailable: 5,
      price: { amount: "28.0", currencyCode: "USD" },
      selectedOptions: [
        { name: "Color", value: "Black" },
        { name: "Size", value: "S" },
      ],
    });
    expect(bySku["TEE-BLK-L"]).toMatchObject({ availableForSale: false, quantityAvailable: 0 });

    await control(emu, "POST", "/_emulator/checkout", { lines: [{ sku: "TEE-BLK-S", quantity: 2 }] });
    const again = await storefront(emu, PRODUCT, { handle: "classic-tee" });
    const variant = (again.body.data?.product as { variants: { nodes: { sku: string; quantityAvailable: number }[] } }).variants.nodes.find(
      (v) => v.sku === "TEE-BLK-S",
    );
    expect(variant?.quantityAvailable).toBe(3);
    expect((await storefront(emu, PRODUCT, { handle: "no-such-product" })).body.data).toEqual({ product: null });
  });

  it("pages products and serves the all collection", async () => {
    const first = await storefront(emu, "{ products(first: 2) { nodes { handle } pageInfo { hasNextPage endCursor } } }");
    const page = first.body.data?.products as { nodes: { handle: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page.nodes.map((n) => n.handle)).toEqual(demoCatalog.products.slice(0, 2).map((p) => p.handle));
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await storefront(emu, "query($after: String) { products(first: 250, after: $after) { nodes { handle } } }", {
      after: page.pageInfo.endCursor,
    });
    expect((next.body.data?.products as { nodes: { handle: string }[] }).nodes.map((n) => n.handle)).toEqual(
      demoCatalog.products.slice(2).map((p) => p.handle),
    );
    const search = await storefront(emu, `{ products(first: 5, query: "handle:classic-tee") { nodes { handle } } }`);
    expect(search.body.data).toEqual({ products: { nodes: [{ handle: "classic-tee" }] } });
    const collection = await storefront(
      emu,
      `{ collections(first: 5) { nodes { handle } } collection(handle: "all") { title products(first: 1) { nodes { handle } } } }`,
    );
    expect(collection.body.data).toEqual({
      collections: { nodes: [{ handle: "all" }] },
      collection: { title: "All products", products: { nodes: [{ handle: "classic-tee" }] } },
    });
  });

  it("requires the storefront token and validates against the Storefront schema", async () => {
    for (const token of [null, "wrong-token"]) {
      const denied = await storefront(emu, "{ shop { name } }", {}, token);
      expect(denied.status).toBe(401);
      expect(denied.body).toEqual({ errors: [{ message: "", extensions: { code: "UNAUTHORIZED" } }] });
    }
    expect((await storefront(emu, "{ shop { name } }")).body.data).toEqual({ shop: { name: "Northwind Demo" } });
    const invalid = await storefront(emu, '{ product(handle: "classic-tee") { inventoryItem { id } } }');
    expect(invalid.status).toBe(200);
    expect(invalid.body.errors?.[0]).toMatchObject({
      message: "Field 'inventoryItem' doesn't exist on type 'Product'",
      extensions: { code: "undefinedField" },
    });
    expect(invalid.body.extensions).toBeUndefined();
  });
});

// ---------------------------------------------------------------- control API

describe("control API", () => {
  it("injects 5xx faults on the GraphQL APIs only, and resets stats", async () => {
    await control(emu, "POST", "/_emulator/faults", { errorRate: 1 });
    try {
      const response = await fetch(emu.adminGraphqlUrl, {
        method: "POST",
        headers: { "x-shopify-access-token": ADMIN_TOKEN, "content-type": "application/json" },
        body: JSON.stringify({ query: "{ shop { name } }" }),
      });
      expect(response.status).toBe(503);
      expect((await control(emu, "GET", "/_emulator/stats")).status).toBe(200);
    } finally {
      await control(emu, "POST", "/_emulator/faults", { errorRate: 0 });
    }
    expect((await admin(emu, "{ shop { name } }")).status).toBe(200);
    const before = (await control(emu, "GET", "/_emulator/stats")).body as { requests: number; faultsInjected: number };
    expect(before.faultsInjected).toBeGreaterThanOrEqual(1);
    await control(emu, "POST", "/_emulator/reset-stats");
    const after = (await control(emu, "GET", "/_emulator/stats")).body as { requests: number; faultsInjected: number; webhooks: { sent: number } };
    expect(after).toMatchObject({ requests: 0, faultsInjected: 0, webhooks: { sent: 0 } });
    expect((await control(emu, "GET", "/_emulator/requests")).body).toEqual({ requests: [] });
  });

  it("validates control bodies with a 400 naming the field", async () => {
    const bad = await control(emu, "POST", "/_emulator/inventory", { sku: "TEE-BLK-M", locationId: "wh-east", available: 1.5 });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toMatch(/^available: /);
    expect((await control(emu, "POST", "/_emulator/inventory", { sku: "TEE-BLK-M", locationId: "wh-north", available: 1 })).status).toBe(404);
  });
});
