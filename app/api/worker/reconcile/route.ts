import { z } from "zod";
import { passProgress } from "@/lib/domain/drift";
import { cronJson, cronRoute } from "../cron-route";
import { runReconcile } from "@/workers/reconcile";

/**
 * GET /api/worker/reconcile — cron: continue (or start) the drift pass for up to
 * `RECONCILE_BUDGET_MS` (under Vercel's max duration), then stop; the next call resumes.
 * `?pages=N` stops after N pages (operators, tests, benchmarks).
 */
export const maxDuration = 60;

const querySchema = z.object({ pages: z.coerce.number().int().min(1).max(100_000).optional() });

export const GET = cronRoute("reconcile", 30, async (ctx, url) => {
  const query = querySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return Response.json({ error: `pages: ${query.error.issues[0]?.message ?? "invalid"}` }, { status: 400 });
  const budgetMs = z.coerce
    .number()
    .int()
    .min(1_000)
    .catch(50_000)
    .parse(process.env.RECONCILE_BUDGET_MS ?? 50_000);
  const run = await runReconcile(ctx, { budgetMs, ...(query.data.pages ? { maxPages: query.data.pages } : {}) });
  if (!run) return cronJson({ busy: true }, 202);
  const { pass } = run;
  const progress = passProgress(pass.done, pass.total, pass.startedAt, Date.now());
  return cronJson({ pass: { ...pass, fences: undefined }, pages: run.pages, finished: run.finished, progress });
});
