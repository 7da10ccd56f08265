import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readDeadLetters } from "@/lib/redis/intake-queue";
import { getStock, postSigned, postWms, stack, testRedis, uniqueSku, wmsEvent } from "../support/stack-client";

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
    ["control character in the SKU", "sku", () => ({ ...good(), sku: "TEE\u0000BLK" })],
    ["injection string in the SKU", "sku", () => ({ ...good(), sku: "x'; DROP TABLE stock;--" })],
    ["Redis hash-tag braces in the SKU", "sku", () => ({ ...good(), sku: "A}{B" })],
    ["script in the SKU", "sku", () => ({ ...good(), sku: "<script>alert(1)</script>" })],
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

  it("malformed JSON → 400 (body); over 1 MB → 413; no signature, wrong secret, missing Shopify topic → 401/401/400", async () => {
    expect((await postSigned("/api/webhooks/wms", "{not json", secrets().wmsWebhookSecret)).status).toBe(400);
    expect((await postSigned("/api/webhooks/wms", JSON.stringify({ pad: "x".repeat(1_100_000) }), secrets().wmsWebhookSecret)).status).toBe(413);
    expect((await fetch(url("/api/webhooks/wms"), { method: "POST", body: JSON.stringify(good()) })).status).toBe(401);
    expect((await postSigned("/api/webhooks/wms", good(), secrets().shopifyWebhookSecret)).status).toBe(401);
    const noTopic = await postSigned("/api/webhooks/shopify", "{}", secrets().shopifyWebhookSecret, {}, "x-shopify-hmac-sha256");
    expect(noTopic.status).toBe(400);
    expect(((await noTopic.json()) as { field: string }).field).toBe("X-Shopify-Topic");
    expect((await getStock(sku)).skus[sku]?.status).toBe("unknown");
  });

  it("fuzz: random JSON to every webhook, correctly signed, never a 5xx", async () => {
    const routes = [
      ["/api/webhooks/wms", secrets().wmsWebhookSecret, "x-signature-sha256", {}],
      ["/api/webhooks/marketplace", secrets().marketplaceWebhookSecret, "x-signature-sha256", {}],
      ["/api/webhooks/pos", secrets().posWebhookSecret, "x-signature-sha256", {}],
      ["/api/webhooks/shopify", secrets().shopifyWebhookSecret, "x-shopify-hmac-sha256", { "x-shopify-topic": "orders/create" }],
    ] as const;
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.jsonValue(), fc.string()), async ([route, secret, header, headers], body) => {
        const raw = typeof body === "string" ? body : JSON.stringify(body);
        const response = await postSigned(route, raw, secret, headers, header);
        statuses.add(response.status);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 120, seed: 7 },
    );
    expect([...statuses].every((s) => [200, 202, 400, 413].includes(s))).toBe(true);
  });
});

describe("/api/stock under abuse", () => {
  it("SKU-list limits and bad SKUs → 400 with the reason; fuzzed queries never 5xx", async () => {
    const many = Array.from({ length: 51 }, (_, i) => `sku=S${i}`).join("&");
    const tooMany = await fetch(url(`/api/stock?${many}`));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toMatch(/at most 50/);
    expect((await fetch(url(`/api/stock?sku=${encodeURIComponent("A\u0001B")}`))).status).toBe(400);
    expect((await fetch(url("/api/stock"))).status).toBe(400);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 80 }), { maxLength: 60 }), async (values) => {
        const query = values.map((v) => `sku=${encodeURIComponent(v)}`).join("&");
        const response = await fetch(url(`/api/stock?${query}`));
        expect([200, 400]).toContain(response.status);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it("one client over its rate limit gets 429 with Retry-After; other clients and the stock itself are unaffected", async () => {
    const sku = uniqueSku("RATE");
    await postWms(wmsEvent(sku, "receipt", 9));
    const from = (ip: string) => fetch(url(`/api/stock?sku=${sku}`), { headers: { "x-forwarded-for": ip } });
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 13; i++) statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => from("203.0.113.7")))).map((r) => r.status));
    // A sliding window weighs the previous 10 s window by the share of it still in view, so
    // while the burst runs across a window edge it frees up to 120 × elapsed/10 s more.
    const slack = Math.ceil((120 * (Date.now() - started)) / 10_000);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(120 + slack);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    const limited = await from("203.0.113.7");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await from("198.51.100.20")).status).toBe(200);
  });

  it("worker routes refuse without CRON_SECRET", async () => {
    for (const route of ["drain", "flush", "reconcile", "recover"]) {
      expect((await fetch(url(`/api/worker/${route}`))).status).toBe(401);
      expect((await fetch(url(`/api/worker/${route}`), { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    }
  });
});
