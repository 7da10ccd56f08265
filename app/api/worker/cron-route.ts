import { stockContext, type StockContext } from "@/lib/context";
import { errorMessage, log } from "@/lib/log";
import { metricFields } from "@/lib/redis/keys";
import { countMetrics } from "@/lib/redis/metrics";
import { hasBearer } from "@/lib/http/bearer";

export type CronJob = "drain" | "flush" | "reconcile" | "recover";

/**
 * The frame of every cron route (`/api/worker/*`), as `handleWebhook` is for webhooks: the
 * `CRON_SECRET` bearer (401 without it), one `cron:<job>` count for the ops page, and a
 * failure logged and answered 503 with `Retry-After`, so Vercel Cron and the local runner
 * simply come back. `run` answers the rest.
 */
export function cronRoute(
  job: CronJob,
  retryAfterSeconds: number,
  run: (ctx: StockContext, url: URL) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (!hasBearer(request, process.env.CRON_SECRET)) return Response.json({ error: "unauthorized" }, { status: 401 });
    try {
      const ctx = stockContext();
      void countMetrics(ctx.redis, { [metricFields.cron(job)]: 1 });
      return await run(ctx, new URL(request.url));
    } catch (error) {
      log.error(`${job}.cron_failed`, { error: errorMessage(error) });
      return Response.json({ error: `${job} failed` }, { status: 503, headers: { "Retry-After": String(retryAfterSeconds) } });
    }
  };
}

/** A cron answer: JSON, never cached. */
export const cronJson = (body: unknown, status = 200): Response => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
