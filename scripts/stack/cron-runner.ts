import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Calls the worker routes listed in vercel.json as Vercel Cron would (Bearer CRON_SECRET), only faster. */
const vercelJsonSchema = z.object({ crons: z.array(z.object({ path: z.string().startsWith("/"), schedule: z.string() })) });

export const cronPaths = (root: string): string[] =>
  vercelJsonSchema.parse(JSON.parse(readFileSync(path.join(root, "vercel.json"), "utf8"))).crons.map((c) => c.path);

export interface CronRunner {
  paths: string[];
  intervalMs: number;
  stop(): Promise<void>;
}

export function startCronRunner(opts: { appUrl: string; secret: string; paths: string[]; intervalMs: number; onError?: (message: string) => void }): CronRunner {
  let inFlight: Promise<unknown> = Promise.resolve();
  const tick = () => {
    inFlight = Promise.all(
      opts.paths.map(async (p) => {
        try {
          const response = await fetch(`${opts.appUrl}${p}`, { headers: { authorization: `Bearer ${opts.secret}` } });
          if (!response.ok) opts.onError?.(`${p}: HTTP ${response.status}`);
          await response.arrayBuffer();
        } catch (error) {
          opts.onError?.(`${p}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
  };
  const timer = setInterval(tick, opts.intervalMs);
  return {
    paths: opts.paths,
    intervalMs: opts.intervalMs,
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}
