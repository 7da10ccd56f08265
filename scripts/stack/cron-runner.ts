import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Calls the worker routes listed in vercel.json as Vercel Cron would (Bearer CRON_SECRET), only faster. */
const vercelJsonSchema = z.object({ crons: z.array(z.object({ path: z.string().startsWith("/"), schedule: z.string() })) });

export const RECONCILE_PATH = "/api/worker/reconcile";

export const cronPaths = (root: string): string[] =>
  vercelJsonSchema.parse(JSON.parse(readFileSync(path.join(root, "vercel.json"), "utf8"))).crons.map((c) => c.path);

export interface CronRunner {
  paths: string[];
  intervalMs: number;
  stop(): Promise<void>;
}

/**
 * `everyMs` gives a path its own interval (0: never, e.g. tests that drive the drift pass
 * themselves); the others run every `intervalMs`.
 */
export function startCronRunner(opts: {
  appUrl: string;
  secret: string;
  paths: string[];
  intervalMs: number;
  everyMs?: Record<string, number>;
  onError?: (message: string) => void;
}): CronRunner {
  const inFlight = new Set<Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  const call = (paths: readonly string[]) => () => {
    const run = Promise.all(
      paths.map(async (p) => {
        try {
          const response = await fetch(`${opts.appUrl}${p}`, { headers: { authorization: `Bearer ${opts.secret}` } });
          if (!response.ok) opts.onError?.(`${p}: HTTP ${response.status}`);
          await response.arrayBuffer();
        } catch (error) {
          opts.onError?.(`${p}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };
  const own = opts.everyMs ?? {};
  timers.push(setInterval(call(opts.paths.filter((p) => own[p] === undefined)), opts.intervalMs));
  for (const [p, ms] of Object.entries(own)) if (ms > 0 && opts.paths.includes(p)) timers.push(setInterval(call([p]), ms));
  return {
    paths: opts.paths,
    intervalMs: opts.intervalMs,
    stop: async () => {
      timers.forEach(clearInterval);
      await Promise.all(inFlight);
    },
  };
}
