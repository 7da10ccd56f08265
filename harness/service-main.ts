import path from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { errorMessage, log } from "../lib/log";

/**
 * The command-line tail the stack's stand-alone services share (Edge Config server, Upstash
 * bridge): only when the module is the process's entry point (importing it starts nothing), read
 * the environment with zod (a bad one is logged and exits 1), start the service, and stop it on
 * SIGINT/SIGTERM. Log events are `<event>.bad_env` and `<event>.failed`.
 */
export function runAsService<S extends z.ZodType>(
  moduleUrl: string,
  service: { event: string; env: S; start: (env: z.infer<S>) => Promise<{ stop(): Promise<void> }> },
): void {
  const entry = process.argv[1];
  if (entry === undefined || path.resolve(entry) !== fileURLToPath(moduleUrl)) return;
  const main = async (): Promise<void> => {
    const env = service.env.safeParse(process.env);
    if (!env.success) {
      const issue = env.error.issues[0];
      log.error(`${service.event}.bad_env`, { problem: issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid environment" });
      process.exit(1);
    }
    const running = await service.start(env.data);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => void running.stop().finally(() => process.exit(0)));
    }
  };
  main().catch((error: unknown) => {
    log.error(`${service.event}.failed`, { error: errorMessage(error) });
    process.exit(1);
  });
}
