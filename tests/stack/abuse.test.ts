import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readDeadLetters } from "@/lib/redis/intake-queue";
import { fieldShape, mutationArbitrary, namesMutation, type Json } from "../support/payload-mutations";
import { eventually, getStock, postSigned, postWms, SETTLE_MS, stack, testRedis, uniqueSku, wmsEvent } from "../support/stack-client";

/**
 * Hostile and broken input against the running app over HTTP: the right status, an error that
 * names the problem, nothing applied, authentic-but-bad kept as a dead letter; fuzzed bodies
 * and queries never produce a 5xx.
 */
const url = (p: string) => `${stack().appUrl}${p}`;
const secrets = () => stack().secrets;

describe("bad webhook input", () => {
  const sku = uniqueSku("ABUSE");
  const good = () => wmsEvent(sku, "receipt", 5);
  const cases: [string, string, () => unknown][] = [
    ["quantity as a string", "quantity", () => ({ ...good(), quantity: "5" })],
    ["negative receipt", "quantity", () => ({ ...good(), quantity: -5 })],
    ["huge quantity", "quantity", () => ({ ...good(), quantity: 1e12 })],
    ["fractional quantity", "quantity", () => ({ ...good(), quantity: 1.5 })],
    ["SKU longer than Shopify's 255 characters", "sku", () => ({ ...good(), sku: "S".repeat(256) })],
    ["blank SKU", "sku", () => ({ ...good(), sku: "   " })],
    ["unknown event type", "type", () => ({ ...good(), type: "teleport" })],
    ["missing occurredAt", "occurredAt", () => ({ ...good(), occurredAt: undefined })],
    ["not a date", "occurredAt", () => ({ ...good(), occurredAt: "yesterday" })],
    ["501 events in one batch", "events", () => ({ events: Array.from({ length: 501 }, good) })],
    ["bad event inside a batch", "events.1.quantity", () => ({ events: [good(), { ...good(), quantity: -1 }] })],
    ["orderId without lineId", "lineId", () => ({ ...good(), orderId: "shopify:1" })],
  ];

  it.each(cases)("%s → 400 naming %s, nothing applied, kept as a dead letter", async (_name, field, body) => {
    const before = (await readDeadLetters(testRedis(), 500)).length;
    const response = await postWms(body());
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; field: string };
    expect(answer.field).toContain(field);
    expect(answer.error.length).toBeGreaterThan(5);
    expect((await readDeadLetters(testRedis(), 500)).length).toBeGreaterThan(before);
    expect((await getStock(sku)).skus[sku]?.status).toBe("unknown");
  });

  // Shopify SKUs are free text: hostile-looking ones are just SKUs, stored under encoded keys and read back exactly.
  it.each([
    ["a control character", "TEE\u0000BLK"],
    ["an injection string", "x'; DROP TABLE stock;--"],
    ["Redis hash-tag braces", "A}{B"],
    ["a script tag", "<script>alert(1)</script>"],
  ])("a SKU with %s is accepted as text, kept apart from its neighbours and read back exactly", async (_name, raw) => {
    const hostile = `${raw} ${uniqueSku("H")}`;
    const plain = hostile.replace(/[^A-Za-z0-9 ]/g, "");
    expect((await postWms(wmsEvent(hostile, "receipt", 3))).status).toBe(202);
    const answer = await eventually(
      () => getStock(hostile, plain),
      (a) => (a.skus[hostile]?.available ?? 0) > 0,
      SETTLE_MS,
    );
    expect(answer.skus[hostile]?.available).toBeGreaterThan(0);
    expect(answer.skus[plain]?.status).toBe("unknown");
  });

  it("malformed JSON → 400 (body); over 1 MB → 413; no signature, wrong secret, missing Shopify topic → 401/401/400", async () => {
    expect((await postSigned("/api/webhooks/wms", "{not json", secrets().wmsWebhookSecret)).status).toBe(400);
    expect((await postSigned("/api/webhooks/wms", JSON.stringify({ pad: "x".repeat(1_100_000) }), secrets().wmsWebhookSecret)).status).toBe(413);
    expect((await fetch(url("/api/webhooks/wms"), { method: "POST", body: JSON.stringify(good()) })).status).toBe(401);
    expect((await postSigned("/api/webhooks/wms", good(), secrets().shopifyWebhookSecret)).status).toBe(401);
    const noTopic = await postSigned(
      "/api/webhooks/shopify",
      "{}",
      secrets().shopifyWebhookSecret,
      { "x-shopify-shop-domain": "northwind-demo.myshopify.com" },
      "x-shopify-hmac-sha256",
    );
    expect(noTopic.status).toBe(400);
    expect(((await noTopic.json()) as { field: string }).field).toBe("X-Shopify-Topic");
    expect((await getStock(sku)).skus[sku]?.status).toBe("unknown");
  });

  it("fuzz: valid payloads with one field dropped, retyped or shifted, correctly signed: accepted, or 400 naming that field; never a 5xx", async () => {
    const fuzzSku = uniqueSku("FUZZ");
    const wmsKeys = new Set(["events", "id", "type", "sku", "locationId", "quantity", "occurredAt", "orderId", "lineId", "channel"]);
    const marketplace: Json = {
      id: `n-${fuzzSku}`,
      type: "order.created",
      occurredAt: "2026-11-27T10:00:00Z",
      order: { id: `A-${fuzzSku}`, lines: [{ id: "1", sku: fuzzSku, quantity: 1 }] },
    };
    const pos: Json = {
      batchId: `B-${fuzzSku}`,
      locationId: "wh-east",
      sales: [{ id: `S-${fuzzSku}`, occurredAt: "2026-11-27T10:00:00Z", status: "completed", lines: [{ id: "1", sku: fuzzSku, quantity: 1 }] }],
    };
    const order = JSON.parse(readFileSync(path.join(import.meta.dirname, "../fixtures/shopify/orders-create.json"), "utf8")) as Json;
    const shopifyKeys = new Set([
      "id",
      "created_at",
      "currency",
      "location_id",
      "line_items",
      "sku",
      "quantity",
      "gift_card",
      "variant_inventory_management",
      "price",
      "price_set",
      "shop_money",
      "amount",
      "currency_code",
    ]);
    const routes = [
      ["/api/webhooks/wms", secrets().wmsWebhookSecret, "x-signature-sha256", {}, mutationArbitrary([{ ...wmsEvent(fuzzSku, "receipt", 2) } as Json], wmsKeys)],
      [
        "/api/webhooks/marketplace",
        secrets().marketplaceWebhookSecret,
        "x-signature-sha256",
        {},
        mutationArbitrary([marketplace], new Set(["id", "type", "occurredAt", "order", "lines", "sku", "quantity", "priceCents"])),
      ],
      [
        "/api/webhooks/pos",
        secrets().posWebhookSecret,
        "x-signature-sha256",
        {},
        mutationArbitrary([pos], new Set(["batchId", "locationId", "sales", "id", "occurredAt", "status", "lines", "sku", "quantity", "priceCents"])),
      ],
      [
        "/api/webhooks/shopify",
        secrets().shopifyWebhookSecret,
        "x-shopify-hmac-sha256",
        { "x-shopify-topic": "orders/create", "x-shopify-shop-domain": "northwind-demo.myshopify.com" },
        mutationArbitrary([order], shopifyKeys),
      ],
    ] as const;
    const statuses = new Map<number, number>();
    const fields = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain(([route, secret, header, headers, mutations]) => fc.tuple(fc.constant({ route, secret, header, headers }), mutations)),
        async ([{ route, secret, header, headers }, mutation]) => {
          const response = await postSigned(
            route,
            JSON.stringify(mutation.body),
            secret,
            { ...headers, "x-shopify-webhook-id": `fuzz-${Math.random()}` },
            header,
          );
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect([200, 202, 400]).toContain(response.status);
          if (response.status === 400) {
            const { field } = (await response.json()) as { field: string };
            expect({ route, field, names: namesMutation(field, mutation) }).toEqual({ route, field, names: true });
            fields.add(fieldShape(field));
          }
        },
      ),
      { numRuns: 120, seed: 7 },
    );
    // Both outcomes, and field checks past the first one were reached.
    expect(statuses.get(400) ?? 0).toBeGreaterThanOrEqual(30);
    expect((statuses.get(200) ?? 0) + (statuses.get(202) ?? 0)).toBeGreaterThanOrEqual(10);
    expect(fields.size).toBeGreaterThanOrEqual(12);
  });
});

describe("/api/stock under abuse", () => {
  it("SKU-list limits and bad SKUs → 400 with the reason; fuzzed queries never 5xx", async () => {
    const many = Array.from({ length: 51 }, (_, i) => `sku=S${i}`).join("&");
    const tooMany = await fetch(url(`/api/stock?${many}`));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toMatch(/at most 50/);
    expect((await fetch(url(`/api/stock?sku=${encodeURIComponent("A".repeat(256))}`))).status).toBe(400);
    expect((await fetch(url("/api/stock"))).status).toBe(400);
    // 0–70 SKUs, mostly valid, some exactly 255 and some 256 characters long: both limits are crossed.
    const value = fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { size: "max" }) },
      { weight: 1, arbitrary: fc.constantFrom("A".repeat(255), "B".repeat(256), "A{B}", "Tee (Blk) M", "   ") },
      { weight: 1, arbitrary: fc.string({ maxLength: 80, size: "max" }) },
    );
    const seen = { tooMany: 0, tooLong: 0, ok: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 70 }).chain((n) => fc.array(value, { minLength: n, maxLength: n })),
        async (values) => {
          const query = values.map((v) => `sku=${encodeURIComponent(v)}`).join("&");
          const response = await fetch(url(`/api/stock?${query}`));
          const valid = values.length > 0 && values.length <= 50 && values.every((v) => [...v].length <= 255 && v.trim() !== "" && !/[\uD800-\uDFFF]/u.test(v));
          expect(response.status).toBe(valid ? 200 : 400);
          if (values.length > 50) {
            seen.tooMany++;
            expect(((await response.json()) as { error: string }).error).toMatch(/at most 50/);
          } else if (values.some((v) => [...v].length > 255)) seen.tooLong++;
          else if (valid) seen.ok++;
        },
      ),
      { numRuns: 60, seed: 11 },
    );
    expect(seen.tooMany).toBeGreaterThanOrEqual(5);
    expect(seen.tooLong).toBeGreaterThanOrEqual(3);
    expect(seen.ok).toBeGreaterThanOrEqual(5);
  });

  it("one client over its rate limit gets 429 with Retry-After; the limiter lets through no more than its limit per window; other clients are unaffected", async () => {
    const sku = uniqueSku("RATE");
    await postWms(wmsEvent(sku, "receipt", 9));
    // A client address no other run has used: the limiter holds no history for it.
    const ip = `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}-${Date.now().toString(36)}`;
    const from = (address: string) => fetch(url(`/api/stock?sku=${sku}`), { headers: { "x-forwarded-for": address } });
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => from(ip)))).map((r) => r.status));
    // Keep asking until the limit engages: it must, however slowly the burst ran (≤ 120 per 10 s window).
    let limited = statuses.includes(429) ? null : await from(ip);
    while (limited && limited.status === 200 && statuses.length < 1_000) {
      statuses.push(limited.status);
      limited = await from(ip);
    }
    if (limited) statuses.push(limited.status);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);

    // The limiter's own accounting (@upstash/ratelimit sliding window: one counter of admitted
    // requests per 10 s window): it admitted exactly the 200s, never more than 120 in a window, and
    // refused only once 120 were in view. Which windows the burst fell into does not matter.
    const redis = testRedis();
    const keys = await redis.keys(`rl:stock:${ip}:*`);
    const counts = (await Promise.all(keys.map((k) => redis.get<number>(k)))).map(Number);
    const admitted = statuses.filter((s) => s === 200).length;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(admitted);
    for (const n of counts) expect(n).toBeLessThanOrEqual(120);
    expect(admitted).toBeGreaterThanOrEqual(120);
    // All in one window (the usual case): exactly the limit got through.
    if (keys.length === 1) expect(admitted).toBe(120);

    const blocked = await from(ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await from(`198.51.100.${Math.floor(Math.random() * 256)}-${Date.now().toString(36)}`)).status).toBe(200);
  });

  it("worker routes refuse without CRON_SECRET", async () => {
    for (const route of ["drain", "flush", "reconcile", "recover"]) {
      expect((await fetch(url(`/api/worker/${route}`))).status).toBe(401);
      expect((await fetch(url(`/api/worker/${route}`), { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    }
  });
});
