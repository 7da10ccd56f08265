import { countMetrics } from "@/lib/redis/metrics";
import { metricFields } from "@/lib/redis/keys";
import { hasBearer } from "@/lib/http/bearer";
import { errorMessage, log } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { queueLength } from "@/lib/redis/intake-queue";
import { drainIntake } from "@/workers/drain";

/**
 * GET /api/worker/drain — Vercel Cron (every minute) and the local cron runner. Applies
 * whatever `after()` did not, including entries a crashed process left pending.
 */
export async function GET(request: Request): Promise<Response> {
  if (!hasBearer(request, process.env.CRON_SECRET)) return Response.json({ error: "unauthorized" }, { status: 401 });
  void countMetrics(getRedis(), { [metricFields.cron("drain")]: 1 });
  try {
    const redis = getRedis();
    const stats = await drainIntake(redis, { maxMs: 50_000 });
    const backlog = await queueLength(redis);
    if (stats.events > 0) log.info("drain.cron", { ...stats, backlog });
    return Response.json({ ...stats, backlog }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error("drain.cron_failed", { error: errorMessage(error) });
    return Response.json({ error: "drain failed" }, { status: 503, headers: { "Retry-After": "5" } });
  }
}
