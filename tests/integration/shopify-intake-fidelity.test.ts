import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signBody } from "@/lib/http/hmac";
import { readDeadLetters, queueLength } from "@/lib/redis/intake-queue";
import { POST as postShopify } from "@/app/api/webhooks/shopify/route";
import { POST as postWms } from "@/app/api/webhooks/wms/route";
import { GET as getStock } from "@/app/api/stock/route";
import { captureLogs, emptyRedis, eventsNamed, startWorkerWorld, type LogLine, testRedis } from "../support/worker-world";

/**
 * The Shopify intake as Shopify really delivers, through the public routes (POST
 * /api/webhooks/shopify, GET /api/stock): deliveries of one merchant action share an
 * X-Shopify-Event-Id across topics, a retry keeps its X-Shopify-Webhook-Id
 * (https://shopify.dev/docs/apps/build/webhooks/delivery-structure), every app install signs
 * with the same secret (so the shop domain must be checked), and SKUs are free text.
 */
const hooks = vi.hoisted(() => ({ after: [] as (() => unknown)[] }));
vi.mock("next/server", () => ({ after: (task: () => unknown) => void hooks.after.push(task) }));
vi.mock("next/cache", () => ({ revalidateTag: () => undefined }));

const SECRET = "shopify-secret-for-fidelity-tests-0123";
const SHOP = "northwind-demo.myshopify.com";
let world: Awaited<ReturnType<typeof startWorkerWorld>>;
let logs: LogLine[];

beforeAll(async () => {
  world = await startWorkerWorld("shopify-intake-fidelity");
  Object.assign(process.env, { SHOPIFY_WEBHOOK_SECRET: SECRET, WMS_WEBHOOK_SECRET: SECRET, SHOPIFY_STORE_DOMAIN: SHOP });
}, 60_000);
afterAll(async () => world?.stop());
beforeEach(async () => {
  await emptyRedis();
  hooks.after.length = 0;
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;

interface Delivery {
  topic: string;
  eventId?: string;
  webhookId?: string;
  shop?: string | null;
  apiVersion?: string;
}
function shopifyRequest(body: unknown, d: Delivery): Request {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-shopify-hmac-sha256": signBody(raw, SECRET),
    "x-shopify-topic": d.topic,
    "x-shopify-api-version": d.apiVersion ?? "2026-10",
    "x-shopify-event-id": d.eventId ?? uuid(),
    "x-shopify-webhook-id": d.webhookId ?? uuid(),
    "x-shopify-triggered-at": "2026-11-27T14:14:05.000Z",
  };
  if (d.shop !== null) headers["x-shopify-shop-domain"] = d.shop ?? SHOP;
  return new Request("http://127.0.0.1:3999/api/webhooks/shopify", { method: "POST", headers, body: raw });
}

/** Run what the routes scheduled after their responses (the drain), until nothing is left. */
async function settle(): Promise<void> {
  while (hooks.after.length > 0) await hooks.after.shift()!();
}

async function receive(sku: string, quantity: number): Promise<void> {
  const raw = JSON.stringify({ id: `rcv-${++seq}`, type: "receipt", sku, locationId: "wh-east", quantity, occurredAt: "2026-11-27T09:00:00.000Z" });
  const response = await postWms(
    new Request("http://127.0.0.1:3999/api/webhooks/wms", { method: "POST", headers: { "x-signature-sha256": signBody(raw, SECRET) }, body: raw }),
  );
  expect(response.status).toBe(202);
  await settle();
}

/** The storefront channel's available, as the badge reads it (the client encodes with encodeURIComponent). */
async function available(...skus: string[]): Promise<Record<string, number | undefined>> {
  const query = skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&");
  const response = await getStock(new Request(`http://127.0.0.1:3999/api/stock?${query}`, { headers: { "x-forwarded-for": `198.51.100.${++seq % 250}` } }));
  const body = (await response.json()) as { error?: string; skus?: Record<string, { available: number }> };
  expect(response.status, body.error).toBe(200);
  return Object.fromEntries(skus.map((s) => [s, body.skus?.[s]?.available]));
}

const order = (id: number, lines: { id: number; sku: string; quantity: number }[]) => ({
  id,
  created_at: "2026-11-27T08:14:03-06:00",
  currency: "USD",
  location_id: null,
  line_items: lines.map((l) => ({ ...l, gift_card: false, variant_inventory_management: "shopify", price: "10.00" })),
});
const cancelled = (o: ReturnType<typeof order>) => ({ ...o, cancelled_at: "2026-11-27T09:00:00-06:00" });
const refund = (id: number, orderId: number, line: { id: number; sku: string }, quantity: number) => ({
  id,
  order_id: orderId,
  created_at: "2026-11-27T09:00:00-06:00",
  refund_line_items: [
    { id: id + 1, line_item_id: line.id, quantity, restock_type: "cancel", line_item: { sku: line.sku, gift_card: false, fulfillment_status: null } },
  ],
});
const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

// Buffer of the storefront channel (shopify) in scripts/stack/edge-config.json.
const BUFFER = 2;

describe("deliveries of one merchant action share an event id across topics", () => {
  it("a refunds/create sharing its X-Shopify-Event-Id with an orders/create is applied too; a retry of either is dropped", async () => {
    await receive("SHARE-1", 10);
    const line = { id: 7001, sku: "SHARE-1", quantity: 3 };
    const action = uuid();
    const created = await postShopify(shopifyRequest(order(5001, [line]), { topic: "orders/create", eventId: action, webhookId: "wh-create" }));
    expect(await json(created)).toMatchObject({ accepted: 1, duplicate: false });
    const refunded = await postShopify(shopifyRequest(refund(9001, 5001, line, 1), { topic: "refunds/create", eventId: action, webhookId: "wh-refund" }));
    expect(refunded.status).toBe(202);
    expect(await json(refunded)).toMatchObject({ accepted: 1, duplicate: false });
    // A retry keeps its webhook id: dropped at intake, cheaply.
    const retried = await postShopify(shopifyRequest(refund(9001, 5001, line, 1), { topic: "refunds/create", eventId: action, webhookId: "wh-refund" }));
    expect(await json(retried)).toEqual({ accepted: 0, duplicate: true });
    await settle();
    // 10 on hand − 2 still reserved − buffer.
    expect(await available("SHARE-1")).toEqual({ "SHARE-1": 10 - 2 - BUFFER });
  });

  it("a cancellation's orders/cancelled and refunds/create (one action, one event id) both land", async () => {
    await receive("SHARE-2", 10);
    const a = { id: 7101, sku: "SHARE-2", quantity: 2 };
    const b = { id: 7102, sku: "SHARE-2", quantity: 1 };
    const placed = order(5101, [a, b]);
    await postShopify(shopifyRequest(placed, { topic: "orders/create" }));
    await settle();
    expect(await available("SHARE-2")).toEqual({ "SHARE-2": 10 - 3 - BUFFER });
    const action = uuid();
    const refundFirst = await postShopify(shopifyRequest(refund(9101, 5101, a, 2), { topic: "refunds/create", eventId: action }));
    const cancel = await postShopify(shopifyRequest(cancelled(placed), { topic: "orders/cancelled", eventId: action }));
    expect(await json(refundFirst)).toMatchObject({ accepted: 1, duplicate: false });
    expect(await json(cancel)).toMatchObject({ accepted: 2, duplicate: false });
    await settle();
    expect(await available("SHARE-2")).toEqual({ "SHARE-2": 10 - BUFFER });
  });
});

describe("free-text SKUs, as Shopify allows them", () => {
  const FREE = ["Tee (Blk) M", "ÉCHARPE-01", '12" LP', "A&B", "{x}", "a|b", "}x{", "50% off", "🧣 scarf", "Mug\tsand"];

  it("an order of free-text SKUs reserves every line, and /api/stock reads each back", async () => {
    for (const sku of FREE) await receive(sku, 5);
    const lines = FREE.map((sku, i) => ({ id: 7200 + i, sku, quantity: 1 }));
    const response = await postShopify(shopifyRequest(order(5200, lines), { topic: "orders/create" }));
    expect(response.status).toBe(202);
    expect(await json(response)).toMatchObject({ accepted: FREE.length, duplicate: false });
    await settle();
    expect(await available(...FREE)).toEqual(Object.fromEntries(FREE.map((s) => [s, 5 - 1 - BUFFER])));
  });

  it("an order with one unusable line: 2xx, the other lines reserved, the bad line dead-lettered naming its field", async () => {
    await receive("GOOD-1", 6);
    await receive("Tee (Blk) L", 6);
    const tooLong = "X".repeat(256);
    const response = await postShopify(
      shopifyRequest(
        order(5300, [
          { id: 7301, sku: "GOOD-1", quantity: 2 },
          { id: 7302, sku: tooLong, quantity: 1 },
          { id: 7303, sku: "Tee (Blk) L", quantity: 1 },
        ]),
        { topic: "orders/create" },
      ),
    );
    expect(response.status).toBe(202);
    expect(await json(response)).toMatchObject({ accepted: 2, duplicate: false, rejected: 1 });
    await settle();
    expect(await available("GOOD-1", "Tee (Blk) L")).toEqual({ "GOOD-1": 6 - 2 - BUFFER, "Tee (Blk) L": 6 - 1 - BUFFER });
    const [letter, ...more] = await readDeadLetters(testRedis());
    expect(more).toEqual([]);
    expect(letter).toMatchObject({ source: "shopify", field: "line_items.1.sku", error: expect.stringContaining("255") });
    expect(JSON.parse(letter!.body)).toMatchObject({ id: 5300 });
    expect(eventsNamed(logs, "webhook.lines_rejected")).toEqual([expect.objectContaining({ level: "warn", source: "shopify", fields: ["line_items.1.sku"] })]);
  });
});

describe("deliveries from another shop", () => {
  it("a valid HMAC from another shop's domain is refused with 403: nothing queued, nothing applied, logged without secrets", async () => {
    await receive("SHOP-1", 10);
    const other = await postShopify(
      shopifyRequest(order(5400, [{ id: 7401, sku: "SHOP-1", quantity: 4 }]), { topic: "orders/create", shop: "northwind-staging.myshopify.com" }),
    );
    expect(other.status).toBe(403);
    expect(await json(other)).toEqual({ error: "X-Shopify-Shop-Domain: deliveries from northwind-staging.myshopify.com are not for this store" });
    const missing = await postShopify(shopifyRequest(order(5401, [{ id: 7402, sku: "SHOP-1", quantity: 4 }]), { topic: "orders/create", shop: null }));
    expect(missing.status).toBe(403);
    expect(await json(missing)).toEqual({ error: "X-Shopify-Shop-Domain: header is required" });
    expect(await queueLength(testRedis())).toBe(0);
    await settle();
    expect(await available("SHOP-1")).toEqual({ "SHOP-1": 10 - BUFFER });
    const refused = eventsNamed(logs, "webhook.wrong_shop");
    expect(refused).toEqual([
      expect.objectContaining({ level: "warn", source: "shopify", shopDomain: "northwind-staging.myshopify.com" }),
      expect.objectContaining({ level: "warn", source: "shopify", shopDomain: null }),
    ]);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
    // The configured shop's own delivery still goes through (the domain compares case-insensitively).
    const own = await postShopify(
      shopifyRequest(order(5402, [{ id: 7403, sku: "SHOP-1", quantity: 4 }]), { topic: "orders/create", shop: SHOP.toUpperCase() }),
    );
    expect(own.status).toBe(202);
  });
});

describe("what the intake log says about a Shopify delivery", () => {
  it("names topic, triggered-at and API version, and warns when the version is not the one the parser reads", async () => {
    await receive("LOG-1", 3);
    const response = await postShopify(
      shopifyRequest(order(5500, [{ id: 7501, sku: "LOG-1", quantity: 1 }]), { topic: "orders/create", apiVersion: "2025-07", webhookId: "wh-log" }),
    );
    expect(response.status).toBe(202);
    expect(eventsNamed(logs, "webhook.api_version_mismatch")).toEqual([
      expect.objectContaining({ level: "warn", source: "shopify", apiVersion: "2025-07", expected: "2026-10", topic: "orders/create" }),
    ]);
    expect(eventsNamed(logs, "webhook.accepted").at(-1)).toMatchObject({
      source: "shopify",
      topic: "orders/create",
      triggeredAt: "2026-11-27T14:14:05.000Z",
      apiVersion: "2025-07",
      deliveryId: expect.stringContaining("wh-log"),
    });
  });
});
