import { countMetrics } from "@/lib/redis/metrics";
import { metricFields } from "@/lib/redis/keys";
import { hasBearer } from "@/lib/http/bearer";
import { errorMessage, log } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { recoverIncidents } from "@/workers/recovery";

/** GET /api/worker/recover — cron: move every open oversell incident one step further. */
export const maxDuration = 60;

export async function GET(request: Request): Promise<Response> {
  if (!hasBearer(request, process.env.CRON_SECRET)) return Response.json({ error: "unauthorized" }, { status: 401 });
  void countMetrics(getRedis(), { [metricFields.cron("recover")]: 1 });
  try {
    const stats = await recoverIncidents(getRedis());
    return Response.json(stats ?? { busy: true }, { status: stats ? 200 : 202, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error("recovery.cron_failed", { error: errorMessage(error) });
    return Response.json({ error: "recovery failed" }, { status: 503, headers: { "Retry-After": "30" } });
  }
}
