// @vitest-environment edge-runtime
import { describe, expect, it } from "vitest";
import { postWms, stack, uniqueSku, wmsEvent, eventually } from "../support/stack-client";

/**
 * /api/stock is written edge-portable (docs/architecture.md#runtimes): here its handler runs inside the
 * edge-runtime VM (Web APIs only) against the real stack's Redis and Edge Config.
 */
describe("/api/stock in the edge runtime", () => {
  it("runs with Web APIs only and serves the same numbers", async () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe("string");
    process.env.UPSTASH_REDIS_REST_URL = stack().redisRestUrl;
    process.env.UPSTASH_REDIS_REST_TOKEN = stack().redisRestToken;
    process.env.EDGE_CONFIG = stack().edgeConfig;
    const { GET } = await import("@/app/api/stock/route");

    const sku = uniqueSku("EDGE");
    await postWms(wmsEvent(sku, "receipt", 9));
    const read = async () =>
      (await (await GET(new Request(`http://edge.test/api/stock?sku=${sku}`))).json()) as { skus: Record<string, { available: number }> };
    const body = await eventually(read, (b) => b.skus[sku]?.available === 7);
    expect(body.skus[sku]?.available).toBe(7);

    const bad = await GET(new Request("http://edge.test/api/stock?sku=%20"));
    expect(bad.status).toBe(400);
  });
});
