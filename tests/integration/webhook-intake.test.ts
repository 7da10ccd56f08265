import type * as MetricsModule from "@/lib/redis/metrics";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { StockContext } from "@/lib/context";
import { signBody } from "@/lib/http/hmac";
import { createRedis } from "@/lib/redis/client";
import { readDeadLetters, queueLength } from "@/lib/redis/intake-queue";
import { listRejected, rejectItems } from "@/lib/redis/channel-store";
import { channelKeys, shopifyItemsKey } from "@/lib/redis/keys";
import { countMetrics } from "@/lib/redis/metrics";
import { readSnapshots } from "@/lib/redis/projection-store";
import { PayloadError } from "@/lib/sources/payload-error";
import { shopifySource, wmsSource, type WebhookSource } from "@/lib/sources/webhook-sources";
import { freePort } from "@/harness/ports";
import { handleWebhook } from "@/workers/webhook-intake";
import { captureLogs, emptyRedis, eventsNamed, startWorkerWorld, type LogLine, testRedis, workerContext } from "../support/worker-world";

/**
 * workers/webhook-intake.ts in-process, against a redis-server of its own: what each kind of delivery
 * is answered (status, body naming the field), that nothing is acknowledged before Redis holds
 * it (I7), and that the drain runs only after the response (Next's `after`, captured here).
 */
const hooks = vi.hoisted(() => ({ after: [] as (() => unknown)[], revalidated: [] as [string, string | undefined][] }));
vi.mock("next/server", () => ({ after: (task: () => unknown) => void hooks.after.push(task) }));
vi.mock("next/cache", () => ({ revalidateTag: (tag: string, profile?: string) => void hooks.revalidated.push([tag, profile]) }));
// Pass-through: the test reads what was counted without waiting on a fire-and-forget write.
vi.mock("@/lib/redis/metrics", async (original) => {
  const real = await original<typeof MetricsModule>();
  return { ...real, countMetrics: vi.fn(real.countMetrics) };
});

const SECRET = "wms-secret-for-intake-tests-0123";
let world: Awaited<ReturnType<typeof startWorkerWorld>>;
let logs: LogLine[];

beforeAll(async () => {
  world = await startWorkerWorld("webhook-intake");
  process.env.WMS_WEBHOOK_SECRET = SECRET;
  process.env.SHOPIFY_WEBHOOK_SECRET = SECRET;
  process.env.SHOPIFY_STORE_DOMAIN = "intake-test.myshopify.com";
}, 60_000);
afterAll(async () => world?.stop());
beforeEach(async () => {
  await emptyRedis();
  hooks.after.length = 0;
  hooks.revalidated.length = 0;
  vi.mocked(countMetrics).mockClear();
  logs = captureLogs();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const URL_BASE = "http://127.0.0.1:3999/api/webhooks/wms";
function signed(body: string, headers: Record<string, string> = {}, header = "x-signature-sha256", secret = SECRET): Request {
  return new Request(URL_BASE, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-shop-domain": "intake-test.myshopify.com", [header]: signBody(body, secret), ...headers },
    body,
  });
}
const wmsEvent = (id: string, rest: Record<string, unknown> = {}) => ({
  id,
  type: "receipt",
  sku: "INTAKE-1",
  locationId: "wh-east",
  quantity: 4,
  occurredAt: "2026-11-27T09:00:00.000Z",
  ...rest,
});
const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe("deliveries it cannot trust are refused before anything is stored", () => {
  it("no secret configured: 500, and the log names the missing variable", async () => {
    const saved = process.env.WMS_WEBHOOK_SECRET;
    delete process.env.WMS_WEBHOOK_SECRET;
    try {
      const response = await handleWebhook(signed(JSON.stringify(wmsEvent("a"))), wmsSource, workerContext());
      expect(response.status).toBe(500);
      expect(await json(response)).toEqual({ error: "webhook receiver is not configured" });
    } finally {
      process.env.WMS_WEBHOOK_SECRET = saved;
    }
    expect(eventsNamed(logs, "webhook.misconfigured")).toEqual([expect.objectContaining({ level: "error", source: "wms", missing: "WMS_WEBHOOK_SECRET" })]);
    expect(await queueLength(testRedis())).toBe(0);
  });

  it("a body over the limit: 413 naming the limit", async () => {
    const request = new Request(URL_BASE, { method: "POST", headers: { "content-length": String(2 * 1024 * 1024) }, body: "{}" });
    const response = await handleWebhook(request, wmsSource, workerContext());
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual({ error: "body too large: limit is 1048576 bytes" });
  });

  it("a body that breaks off while being read is not answered as too large: the error propagates", async () => {
    const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new Error("connection reset")) });
    const request = new Request(URL_BASE, { method: "POST", body, duplex: "half" } as RequestInit);
    await expect(handleWebhook(request, wmsSource, workerContext())).rejects.toThrow("connection reset");
  });

  it("unsigned or forged: 401 naming the header; nothing queued, nothing dead-lettered", async () => {
    const body = JSON.stringify(wmsEvent("forged"));
    const unsigned = await handleWebhook(new Request(URL_BASE, { method: "POST", body }), wmsSource, workerContext());
    expect(unsigned.status).toBe(401);
    expect(await json(unsigned)).toEqual({ error: "missing or invalid x-signature-sha256 signature" });
    const forged = await handleWebhook(signed(body, {}, "x-signature-sha256", "not-the-secret"), wmsSource, workerContext());
    expect(forged.status).toBe(401);
    const shopify = await handleWebhook(signed(body, { "x-shopify-topic": "products/update" }, "x-signature-sha256"), shopifySource, workerContext());
    expect(await json(shopify)).toEqual({ error: "missing or invalid x-shopify-hmac-sha256 signature" });
    expect(eventsNamed(logs, "webhook.rejected_signature")[0]).toMatchObject({ level: "warn", source: "wms", bytes: Buffer.byteLength(body) });
    expect(await queueLength(testRedis())).toBe(0);
    expect(await readDeadLetters(testRedis())).toEqual([]);
    expect(hooks.after).toHaveLength(0);
  });
});

describe("malformed deliveries", () => {
  it("not JSON: 400 naming (body), and the raw payload is dead-lettered for replay", async () => {
    const response = await handleWebhook(
      signed("{not json", { "x-delivery-id": "d-9" }),
      { ...wmsSource, deliveryId: (h) => h.get("x-delivery-id") },
      workerContext(),
    );
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: "(body): body is not valid JSON", field: "(body)" });
    const [letter, ...rest] = await readDeadLetters(testRedis());
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({ source: "wms", error: "(body): body is not valid JSON", field: "(body)", body: "{not json" });
    expect(Math.abs(Date.parse(letter!.receivedAt) - Date.now())).toBeLessThan(60_000);
    expect(eventsNamed(logs, "webhook.malformed")).toEqual([expect.objectContaining({ level: "warn", source: "wms", field: "(body)", deliveryId: "d-9" })]);
    expect(await queueLength(testRedis())).toBe(0);
  });

  it("a bad field: 400 naming it", async () => {
    const response = await handleWebhook(signed(JSON.stringify(wmsEvent("bad", { quantity: 0 }))), wmsSource, workerContext());
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.field).toBe("quantity");
    expect(body.error).toEqual(expect.stringContaining("positive quantity"));
    expect((await readDeadLetters(testRedis()))[0]).toMatchObject({ field: "quantity" });
  });

  it("a parser bug (not a payload error) is not dressed up as a 400", async () => {
    const buggy: WebhookSource = {
      ...wmsSource,
      parse: () => {
        throw new TypeError("parser bug");
      },
    };
    await expect(handleWebhook(signed("{}"), buggy, workerContext())).rejects.toThrow("parser bug");
    expect(await readDeadLetters(testRedis())).toEqual([]);
  });
});

describe("accepted deliveries", () => {
  it("202 only once the stream holds the delivery; the drain runs after the response and applies it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-27T09:00:10.000Z"));
    const events = [
      wmsEvent("r1", { occurredAt: "2026-11-27T09:00:05.000Z" }), // 5 s of lag
      wmsEvent("r2", { occurredAt: "2026-11-25T09:00:00.000Z", quantity: 1 }), // 2 days: not lag, a replay
      wmsEvent("r3", { occurredAt: "2026-11-27T09:00:12.000Z", quantity: 2 }), // the sender's clock is ahead
      wmsEvent("r4", { occurredAt: "2026-11-27T09:00:10.000Z", quantity: 1 }), // no lag at all: still counted
      wmsEvent("r5", { occurredAt: "2026-11-26T09:00:10.000Z", quantity: 1 }), // exactly a day: a replay
    ];
    const response = await handleWebhook(signed(JSON.stringify({ events })), wmsSource, workerContext());
    expect(response.status).toBe(202);
    const body = await json(response);
    expect(body).toEqual({ accepted: 5, duplicate: false, id: expect.stringMatching(/^\d+-\d+$/) });
    // Durable before the answer: the entry is in the stream, and nothing has been applied yet.
    expect(await queueLength(testRedis())).toBe(1);
    expect((await readSnapshots(testRedis(), ["INTAKE-1"])).get("INTAKE-1")).toBeNull();
    expect(countMetrics).toHaveBeenCalledTimes(1);
    expect(vi.mocked(countMetrics).mock.calls[0]!.slice(1)).toEqual([{ "in:wms": 5, "lag:wms": 5_000, "lagn:wms": 2 }, Date.parse("2026-11-27T09:00:10.000Z")]);
    expect(eventsNamed(logs, "webhook.accepted")).toEqual([
      expect.objectContaining({ source: "wms", deliveryId: null, events: 5, duplicate: false, streamId: body.id }),
    ]);

    vi.useRealTimers();
    expect(hooks.after).toHaveLength(1);
    await hooks.after[0]!();
    const snapshot = (await readSnapshots(testRedis(), ["INTAKE-1"])).get("INTAKE-1");
    expect(snapshot?.projection.onHand).toEqual({ "wh-east": 9 });
  });

  it("the same delivery id again: 202 accepted 0, duplicate, not queued twice, not counted, no drain", async () => {
    const source: WebhookSource = { ...wmsSource, deliveryId: (h) => h.get("x-delivery-id") };
    const payload = JSON.stringify(wmsEvent("dup-1"));
    const first = await handleWebhook(signed(payload, { "x-delivery-id": "delivery-7" }), source, workerContext());
    expect(first.status).toBe(202);
    const again = await handleWebhook(signed(payload, { "x-delivery-id": "delivery-7" }), source, workerContext());
    expect(again.status).toBe(202);
    expect(await json(again)).toEqual({ accepted: 0, duplicate: true });
    expect(await queueLength(testRedis())).toBe(1);
    expect(countMetrics).toHaveBeenCalledTimes(1);
    expect(hooks.after).toHaveLength(1);
    expect(eventsNamed(logs, "webhook.accepted")[1]).toMatchObject({ deliveryId: "delivery-7", events: 1, duplicate: true, streamId: null });
  });

  it("a delivery that carries no events: 202 accepted 0, nothing queued, counted or drained", async () => {
    const empty: WebhookSource = { ...wmsSource, parse: () => [] };
    const response = await handleWebhook(signed("{}"), empty, workerContext());
    expect(response.status).toBe(202);
    expect(await json(response)).toEqual({ accepted: 0, duplicate: false });
    expect(await queueLength(testRedis())).toBe(0);
    expect(countMetrics).not.toHaveBeenCalled();
    expect(hooks.after).toHaveLength(0);
  });

  it("a topic we do not act on: 200 ignored, logged with the topic", async () => {
    const response = await handleWebhook(
      signed(JSON.stringify({ id: 1 }), { "x-shopify-topic": "customers/update", "x-shopify-event-id": "ev-1" }, "x-shopify-hmac-sha256"),
      shopifySource,
      workerContext(),
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ accepted: 0, ignored: true });
    expect(eventsNamed(logs, "webhook.ignored_topic")).toEqual([
      expect.objectContaining({ level: "info", source: "shopify", topic: "customers/update", deliveryId: "customers/update:ev-1" }),
    ]);
    expect(await queueLength(testRedis())).toBe(0);
    expect(hooks.after).toHaveLength(0);
  });

  it("a Shopify delivery without a topic: 400 naming the header", async () => {
    const response = await handleWebhook(signed("{}", {}, "x-shopify-hmac-sha256"), shopifySource, workerContext());
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: "X-Shopify-Topic: header is required", field: "X-Shopify-Topic" });
  });

  it("a product change purges its cache tags and queues no stock events", async () => {
    const response = await handleWebhook(
      signed(JSON.stringify({ id: 632910392, handle: "linen-shirt" }), { "x-shopify-topic": "products/update" }, "x-shopify-hmac-sha256"),
      shopifySource,
      workerContext(),
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ accepted: 0, revalidated: ["product:632910392", "product-handle:linen-shirt"] });
    expect(hooks.revalidated).toEqual([
      ["product:632910392", "max"],
      ["product-handle:linen-shirt", "max"],
    ]);
    expect(await queueLength(testRedis())).toBe(0);
    // The warm-up of the pages is scheduled after the response (catalog-warm.test.ts runs it).
    expect(hooks.after).toHaveLength(1);
  });

  it("a product change forgets cached Shopify item ids and gives refused Shopify items another try", async () => {
    const redis = testRedis();
    await redis.hset(shopifyItemsKey, { "TEE-1": "gid://shopify/InventoryItem/1" });
    await rejectItems(redis, "shopify", [
      { sku: "TEE-2", location: "wh-east", code: "NON_MUTABLE_INVENTORY_ITEM", message: "bundle", at: Date.now(), version: "4" },
    ]);
    for (const [topic, body] of [
      ["products/update", { id: 632910392, handle: "linen-shirt" }],
      ["products/delete", { id: 632910392 }],
    ] as const) {
      await redis.hset(shopifyItemsKey, { "TEE-1": "gid://shopify/InventoryItem/1" });
      const response = await handleWebhook(signed(JSON.stringify(body), { "x-shopify-topic": topic }, "x-shopify-hmac-sha256"), shopifySource, workerContext());
      expect(response.status).toBe(200);
      expect(await redis.hgetall(shopifyItemsKey), topic).toBeNull();
    }
    expect(await listRejected(redis, "shopify", 10)).toEqual([]);
    expect(await redis.hget(channelKeys.dirty("shopify"), "TEE-2")).toBe(4);
  });

  it("a bad product payload: 400 naming the field, nothing purged", async () => {
    const response = await handleWebhook(
      signed(JSON.stringify({ id: 632910392 }), { "x-shopify-topic": "products/update" }, "x-shopify-hmac-sha256"),
      shopifySource,
      workerContext(),
    );
    expect(response.status).toBe(400);
    expect((await json(response)).field).toBe("handle");
    expect(hooks.revalidated).toEqual([]);
  });
});

describe("Redis unavailable: 503 with Retry-After, so the sender keeps its copy", () => {
  /** A context whose Redis answers nothing (a port nobody listens on). */
  async function withRedisDown<T>(run: (ctx: StockContext) => Promise<T>): Promise<T> {
    return run(workerContext({ redis: createRedis(`http://127.0.0.1:${await freePort()}`, "no-token") }));
  }

  it("the delivery cannot be queued", async () => {
    const response = await withRedisDown((ctx) => handleWebhook(signed(JSON.stringify(wmsEvent("down-1"))), wmsSource, ctx));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await json(response)).toEqual({ error: "temporarily unavailable, retry" });
    expect(eventsNamed(logs, "webhook.enqueue_failed")).toEqual([
      expect.objectContaining({ level: "error", source: "wms", deliveryId: null, error: expect.any(String) }),
    ]);
    expect(hooks.after).toHaveLength(0);
    expect(eventsNamed(logs, "webhook.accepted")).toEqual([]);
  });

  it("a malformed delivery cannot be dead-lettered", async () => {
    const response = await withRedisDown((ctx) => handleWebhook(signed("[broken"), wmsSource, ctx));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(eventsNamed(logs, "webhook.dead_letter_failed")).toEqual([expect.objectContaining({ level: "error", source: "wms", error: expect.any(String) })]);
  });
});

// A PayloadError thrown by a custom source is treated like the built-in ones.
describe("custom sources", () => {
  it("a PayloadError from parse is a 400 with its field", async () => {
    const strict: WebhookSource = {
      ...wmsSource,
      parse: () => {
        throw new PayloadError("events.0.sku", "unknown SKU");
      },
    };
    const response = await handleWebhook(signed("{}"), strict, workerContext());
    expect(await json(response)).toEqual({ error: "events.0.sku: unknown SKU", field: "events.0.sku" });
  });
});
