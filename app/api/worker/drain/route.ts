import { cronJson, cronRoute } from "../cron-route";
import { log } from "@/lib/log";
import { queueLength } from "@/lib/redis/intake-queue";
import { drainIntake } from "@/workers/drain";

/**
 * GET /api/worker/drain — Vercel Cron (every minute) and the local cron runner. Applies
 * whatever `after()` did not, including entries a crashed process left pending.
 */
export const maxDuration = 60;

export const GET = cronRoute("drain", 5, async (ctx) => {
  const stats = await drainIntake(ctx, { maxMs: 50_000 });
  const backlog = await queueLength(ctx.redis);
  if (stats.events > 0) log.info("drain.cron", { ...stats, backlog });
  return cronJson({ ...stats, backlog });
});
