import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import type { createRedis } from "@/lib/redis/client";
import { enqueueDelivery, queueLength } from "@/lib/redis/intake-queue";
import { keys } from "@/lib/redis/keys";
import { startOwnRedis } from "../support/own-redis";

/**
 * Delivery-id dedupe (Shopify's X-Shopify-Event-Id) on a real redis-server: a repeat is
 * dropped while its id is remembered, for 7 days — longer than Shopify retries (48 h) — and
 * only then forgotten, so Redis does not grow without bound. The effect ids still guard the
 * projection after that (I1); this is the cheap first line.
 */
let redis: ReturnType<typeof createRedis>;
let stop: () => Promise<void>;

beforeAll(async () => {
  const own = await startOwnRedis("dedupe-expiry");
  redis = own.client();
  stop = own.stop;
}, 60_000);
afterAll(async () => stop?.());

const event: StockEvent = {
  id: "shopify:order:1:line:1",
  sku: "TEE-BLK-M",
  occurredAt: "2026-11-27T10:00:00Z",
  source: "shopify",
  sourceUri: "shopify://orders/1",
  kind: "reserve",
  channel: "shopify",
  lineKey: "shopify:1:1",
  quantity: 1,
};

describe("delivery-id dedupe", () => {
  it("drops a repeat while the id is remembered (7 days, past Shopify's 48 h of retries), and takes it again once forgotten", async () => {
    expect(await enqueueDelivery(redis, "shopify", "evt-1", [event])).toEqual(expect.any(String));
    expect(await enqueueDelivery(redis, "shopify", "evt-1", [event])).toBeNull();
    expect(await queueLength(redis)).toBe(1);

    const ttl = await redis.ttl(keys.intakeSeen("shopify", "evt-1"));
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    expect(ttl).toBeGreaterThan(48 * 3600);

    // The same id from another source is another delivery.
    expect(await enqueueDelivery(redis, "wms", "evt-1", [{ ...event, source: "wms" }])).toEqual(expect.any(String));
    // No id, no dedupe (and nothing remembered).
    expect(await enqueueDelivery(redis, "shopify", null, [event])).toEqual(expect.any(String));
    expect(await enqueueDelivery(redis, "shopify", null, [event])).toEqual(expect.any(String));

    // The window ends (Redis expires the key; 7 days compressed to a millisecond).
    await redis.pexpire(keys.intakeSeen("shopify", "evt-1"), 1);
    const deadline = Date.now() + 5_000;
    while ((await redis.exists(keys.intakeSeen("shopify", "evt-1"))) === 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await redis.exists(keys.intakeSeen("shopify", "evt-1"))).toBe(0);
    expect(await enqueueDelivery(redis, "shopify", "evt-1", [event])).toEqual(expect.any(String));
    expect(await queueLength(redis)).toBe(5);
  });
});
