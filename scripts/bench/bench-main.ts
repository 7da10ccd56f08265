import { BenchError, oneLine } from "./bench-checks";

/**
 * A benchmark's entry point: exit 0 when it printed its figures, 1 with `error: <one line>` on
 * stderr when it could not (an unexpected error's stack only with BENCH_DEBUG=1: the reason is
 * the line, the trace is for whoever debugs the bench itself).
 */
export async function main(run: () => Promise<void>): Promise<never> {
  try {
    await run();
  } catch (error) {
    console.error(`error: ${oneLine(error)}`);
    if (!(error instanceof BenchError) && process.env.BENCH_DEBUG === "1" && error instanceof Error) console.error(error.stack);
    process.exit(1);
  }
  // Explicit: a keep-alive socket or a stray timer must not hold the process (or its exit code) open.
  process.exit(0);
}
