import { describe, expect, it } from "vitest";
import { demoSkus } from "@/lib/catalog/demo-catalog";
import { eventually, getStock, postWms, stack, uniqueSku, wmsEvent } from "../support/stack-client";

const get = (query: string) => fetch(`${stack().appUrl}/api/stock${query}`);

describe("GET /api/stock", () => {
  it("answers a batch with available, status and per-location numbers, cacheable for a second at a CDN", async () => {
    const skus = demoSkus().slice(0, 20);
    const response = await get(`?${skus.map((s) => `sku=${s}`).join("&")}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toMatch(/s-maxage=1\b/);
    const body = (await response.json()) as Awaited<ReturnType<typeof getStock>>;
    expect(Date.now() - Date.parse(body.asOf)).toBeLessThan(10_000);
    expect(Object.keys(body.skus).sort()).toEqual([...skus].sort());
    for (const sku of skus) {
      const stock = body.skus[sku]!;
      expect(["in_stock", "low_stock", "sold_out"]).toContain(stock.status);
      expect(Object.keys(stock.locations).sort()).toEqual(["wh-east", "wh-west"]);
      const perLocation = Object.values(stock.locations).map((l) => l.available);
      expect(perLocation.every((n) => n >= 0 && n <= stock.available)).toBe(true);
    }
  });

  it("says sold out, only N left and in stock by the thresholds in Edge Config", async () => {
    const [low, plenty] = [uniqueSku("LOW"), uniqueSku("PLENTY")];
    await postWms({ events: [wmsEvent(low, "receipt", 5), wmsEvent(plenty, "receipt", 40)] });
    const stock = await eventually(
      () => getStock(low, plenty),
      (s) => s.skus[plenty]?.status === "in_stock" && s.skus[low]?.status !== "unknown",
    );
    // 5 on hand − buffer 2 = 3 ≤ threshold 5.
    expect(stock.skus[low]).toMatchObject({ available: 3, status: "low_stock" });
    expect(stock.skus[plenty]).toMatchObject({ available: 38, status: "in_stock" });
    await postWms(wmsEvent(low, "pick", 4));
    expect(
      (
        await eventually(
          () => getStock(low),
          (s) => s.skus[low]?.status === "sold_out",
        )
      ).skus[low]?.available,
    ).toBe(0);
  });

  it("reports unknown SKUs as unknown", async () => {
    const sku = uniqueSku("NOPE");
    expect((await getStock(sku)).skus[sku]).toEqual({ available: 0, status: "unknown", locations: {} });
  });

  it.each([
    ["", /sku/],
    [`?${Array.from({ length: 51 }, (_, i) => `sku=S${i}`).join("&")}`, /at most 50/],
    ["?sku=%20%20", /sku\[0\]/],
    ["?sku=", /sku\[0\]/],
    [`?sku=${"A".repeat(256)}`, /sku\[0\]/],
  ])("refuses bad input %# with 400 and a message", async (query, message) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
  });
});

describe("GET /api/health and the worker routes", () => {
  it("health is ok when Redis answers", async () => {
    const response = await fetch(`${stack().appUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("the drain route needs CRON_SECRET", async () => {
    const url = `${stack().appUrl}/api/worker/drain`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${stack().secrets.cronSecret}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ backlog: expect.any(Number) });
  });
});
