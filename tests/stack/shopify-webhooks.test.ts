import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { drainAll } from "../support/drain";
import { eventually, getStock, SETTLE_MS, postSigned, postWms, stack, uniqueSku, wmsEvent } from "../support/stack-client";

/** Shopify's real payloads (tests/fixtures/shopify), signed and sent with Shopify's headers. */
const fixture = (name: string, sku: string) =>
  readFileSync(path.join(import.meta.dirname, "..", "fixtures", "shopify", name), "utf8").replaceAll('"TEE-BLK-M"', JSON.stringify(sku));

let delivery = 0;
const sendShopify = (topic: string, body: string, eventId = `evt-${Date.now()}-${delivery++}`, secret = stack().secrets.shopifyWebhookSecret) =>
  postSigned(
    "/api/webhooks/shopify",
    body,
    secret,
    {
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": "northwind-demo.myshopify.com",
      "x-shopify-api-version": "2026-10",
      "x-shopify-webhook-id": `wh-${eventId}`,
      "x-shopify-event-id": eventId,
      "x-shopify-triggered-at": new Date().toISOString(),
    },
    "x-shopify-hmac-sha256",
  );

const available = async (sku: string) => (await getStock(sku)).skus[sku]?.available;

describe("POST /api/webhooks/shopify", () => {
  it("orders/create reserves, redeliveries do nothing, refunds with restock cancel and cancellations release", async () => {
    const sku = uniqueSku("SHOP");
    await postWms(wmsEvent(sku, "receipt", 10));
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 8,
        SETTLE_MS,
      ),
    ).toBe(8);

    const order = fixture("orders-create.json", sku);
    const first = await sendShopify("orders/create", order, "evt-order-1");
    expect(first.status).toBe(202);
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 5,
        SETTLE_MS,
      ),
    ).toBe(5);

    // Same delivery again (Shopify retries with the same event id) → deduped at intake.
    const again = await sendShopify("orders/create", order, "evt-order-1");
    expect(await again.json()).toMatchObject({ duplicate: true, accepted: 0 });
    // Same order under a new event id → deduped by the effect id of each line.
    expect((await sendShopify("orders/create", order, "evt-order-1-bis")).status).toBe(202);
    await drainAll();
    expect(await available(sku)).toBe(5);

    expect((await sendShopify("refunds/create", fixture("refunds-create.json", sku))).status).toBe(202);
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 6,
        SETTLE_MS,
      ),
    ).toBe(6);

    expect((await sendShopify("orders/cancelled", fixture("orders-cancelled.json", sku))).status).toBe(202);
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 8,
        SETTLE_MS,
      ),
    ).toBe(8);
  });

  it("ids beyond 2^53 (Shopify's sample/test deliveries) are kept exact, not rounded into collisions", async () => {
    const sku = uniqueSku("BIGID");
    await postWms(wmsEvent(sku, "receipt", 10));
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 8,
        SETTLE_MS,
      ),
    ).toBe(8);
    const order = fixture("orders-create.json", sku).replaceAll("6524199518253", "820982911946154508").replaceAll("16138219012141", "466157049");
    expect((await sendShopify("orders/create", order)).status).toBe(202);
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 5,
        SETTLE_MS,
      ),
    ).toBe(5);
  });

  it("a refund with restock_type return leaves available-to-sell alone: only Shopify's belief follows its restock (the warehouse's return event moves stock)", async () => {
    const sku = uniqueSku("RET");
    await postWms(wmsEvent(sku, "receipt", 10));
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 8,
        SETTLE_MS,
      ),
    ).toBe(8);
    const response = await sendShopify("refunds/create", fixture("refunds-create-return.json", sku));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1 });
    await drainAll();
    expect(await available(sku)).toBe(8);
  });

  it("topics it does not act on are acknowledged and ignored; a missing topic is a 400", async () => {
    const ignored = await sendShopify("customers/create", JSON.stringify({ id: 1 }));
    expect(ignored.status).toBe(200);
    expect(await ignored.json()).toMatchObject({ ignored: true });

    const body = fixture("orders-create.json", uniqueSku("NOTOPIC"));
    const response = await postSigned(
      "/api/webhooks/shopify",
      body,
      stack().secrets.shopifyWebhookSecret,
      { "x-shopify-shop-domain": "northwind-demo.myshopify.com" },
      "x-shopify-hmac-sha256",
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: "X-Shopify-Topic" });
  });

  it("a malformed order names the field; a forged HMAC is refused", async () => {
    const sku = uniqueSku("SHOPBAD");
    const order = JSON.parse(fixture("orders-create.json", sku)) as { line_items: { quantity: unknown }[] };
    order.line_items[0]!.quantity = "three";
    const bad = await sendShopify("orders/create", JSON.stringify(order));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toMatch(/^line_items\.0\./);

    const forged = await sendShopify("orders/create", fixture("orders-create.json", sku), "evt-forged", "wrong-secret");
    expect(forged.status).toBe(401);
    await drainAll();
    expect((await getStock(sku)).skus[sku]?.status).toBe("unknown");
  });
});

describe("POST /api/webhooks/marketplace and /api/webhooks/pos", () => {
  it("a marketplace order reserves and its cancellation releases", async () => {
    const sku = uniqueSku("MKT");
    await postWms(wmsEvent(sku, "receipt", 10));
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 8,
        SETTLE_MS,
      ),
    ).toBe(8);
    const notification = (type: string) => ({
      id: `n-${type}-${sku}`,
      type,
      occurredAt: new Date().toISOString(),
      order: { id: `A-${sku}`, lines: [{ id: "1", sku, quantity: 4 }] },
    });
    const send = (body: unknown) => postSigned("/api/webhooks/marketplace", body, stack().secrets.marketplaceWebhookSecret);
    expect((await send(notification("order.created"))).status).toBe(202);
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 4,
        SETTLE_MS,
      ),
    ).toBe(4);
    expect((await send(notification("order.cancelled"))).status).toBe(202);
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 8,
        SETTLE_MS,
      ),
    ).toBe(8);
    expect((await postSigned("/api/webhooks/marketplace", notification("order.created"), stack().secrets.posWebhookSecret)).status).toBe(401);
  });

  it("a late POS batch reserves at the store's location", async () => {
    const sku = uniqueSku("POS");
    await postWms(wmsEvent(sku, "receipt", 10));
    expect(
      await eventually(
        () => available(sku),
        (n) => n === 8,
        SETTLE_MS,
      ),
    ).toBe(8);
    const batch = {
      batchId: `B-${sku}`,
      locationId: "wh-east",
      sales: [{ id: `S-${sku}`, occurredAt: new Date(Date.now() - 3_600_000).toISOString(), status: "completed", lines: [{ id: "1", sku, quantity: 3 }] }],
    };
    expect((await postSigned("/api/webhooks/pos", batch, stack().secrets.posWebhookSecret)).status).toBe(202);
    const stock = await eventually(
      () => getStock(sku),
      (s) => s.skus[sku]?.available === 5,
      SETTLE_MS,
    );
    expect(stock.skus[sku]?.locations["wh-east"]?.available).toBe(5);
  });
});
