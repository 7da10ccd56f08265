import { countMetrics } from "@/lib/redis/metrics";
import { metricFields } from "@/lib/redis/keys";
import { hasBearer } from "@/lib/http/bearer";
import { errorMessage, log } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { flushChannels } from "@/workers/flush";

/** GET /api/worker/flush — cron: push whatever the event path left dirty or unconfirmed. */
export async function GET(request: Request): Promise<Response> {
  if (!hasBearer(request, process.env.CRON_SECRET)) return Response.json({ error: "unauthorized" }, { status: 401 });
  void countMetrics(getRedis(), { [metricFields.cron("flush")]: 1 });
  try {
    const stats = await flushChannels(getRedis(), { maxMs: 50_000 });
    return Response.json({ channels: stats }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error("flush.cron_failed", { error: errorMessage(error) });
    return Response.json({ error: "flush failed" }, { status: 503, headers: { "Retry-After": "5" } });
  }
}
