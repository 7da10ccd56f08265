import { errorMessage, log } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { countMetrics } from "@/lib/redis/metrics";
import { metricFields } from "@/lib/redis/keys";
import { getPolicy } from "@/lib/config/edge-config";
import { readLiveStock } from "@/lib/stock/live-stock";
import { checkStockRate } from "@/lib/stock/rate-limit";
import { parseStockQuery } from "@/lib/stock/stock-query";

/**
 * GET /api/stock?sku=A&sku=B — live available-to-sell for the storefront's channel.
 * Edge-portable on purpose (Web Request/Response, Upstash over fetch, no Node built-ins):
 * one Redis round trip, policy from memory. A CDN may keep the answer for one second so a
 * flash sale's identical reads collapse; browsers always revalidate.
 */
const CACHE = "public, max-age=0, s-maxage=1, stale-while-revalidate=1";

export async function GET(request: Request): Promise<Response> {
  const query = parseStockQuery(new URL(request.url).searchParams);
  if (!query.ok) return Response.json({ error: query.error }, { status: 400, headers: { "Cache-Control": "no-store" } });
  try {
    // Counted in the same pipelined round trip as the read (auto-pipelining); never fails the read.
    const redis = getRedis();
    const [rate, stock] = await Promise.all([
      checkStockRate(redis, request.headers),
      readLiveStock({ redis, policy: getPolicy }, query.skus),
      countMetrics(redis, { [metricFields.stock]: 1, [metricFields.stockSkus]: query.skus.length }),
    ]);
    if (rate.limited)
      return Response.json(
        { error: `too many requests: at most ${rate.limit} per window from one client` },
        { status: 429, headers: { "Retry-After": String(rate.retryAfterSeconds), "Cache-Control": "no-store" } },
      );
    return Response.json(stock, { headers: { "Cache-Control": CACHE, "CDN-Cache-Control": "max-age=1" } });
  } catch (error) {
    // Never a guessed number: the badge keeps its last value and says it is checking.
    log.error("stock.unavailable", { error: errorMessage(error), skus: query.skus });
    return Response.json({ error: "stock is temporarily unavailable" }, { status: 503, headers: { "Retry-After": "1", "Cache-Control": "no-store" } });
  }
}
