import { countMetrics } from "@/lib/redis/metrics";
import { metricFields } from "@/lib/redis/keys";
import { z } from "zod";
import { passProgress } from "@/lib/domain/drift";
import { hasBearer } from "@/lib/http/bearer";
import { errorMessage, log } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { runReconcile } from "@/workers/reconcile";

/**
 * GET /api/worker/reconcile — cron: continue (or start) the drift pass for up to
 * `RECONCILE_BUDGET_MS` (under Vercel's max duration), then stop; the next call resumes.
 * `?pages=N` stops after N pages (operators, tests, benchmarks).
 */
export const maxDuration = 60;

const querySchema = z.object({ pages: z.coerce.number().int().min(1).max(100_000).optional() });

export async function GET(request: Request): Promise<Response> {
  if (!hasBearer(request, process.env.CRON_SECRET)) return Response.json({ error: "unauthorized" }, { status: 401 });
  void countMetrics(getRedis(), { [metricFields.cron("reconcile")]: 1 });
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: `pages: ${query.error.issues[0]?.message ?? "invalid"}` }, { status: 400 });
  try {
    const budgetMs = z.coerce.number().int().min(1_000).catch(50_000).parse(process.env.RECONCILE_BUDGET_MS ?? 50_000);
    const run = await runReconcile(getRedis(), { budgetMs, ...(query.data.pages ? { maxPages: query.data.pages } : {}) });
    if (!run) return Response.json({ busy: true }, { status: 202, headers: { "Cache-Control": "no-store" } });
    const { pass } = run;
    const progress = passProgress(pass.done, pass.total, pass.startedAt, Date.now());
    return Response.json(
      { pass: { ...pass, fences: undefined }, pages: run.pages, finished: run.finished, progress },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    log.error("reconcile.cron_failed", { error: errorMessage(error) });
    return Response.json({ error: "reconcile failed" }, { status: 503, headers: { "Retry-After": "30" } });
  }
}
