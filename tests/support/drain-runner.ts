/**
 * The real drain worker (workers/drain.ts) in a process of its own, for the I7 crash test: it
 * drains the given Redis as consumer `doomed-consumer` and, at the stage it is told, says so on
 * stdout and waits — for the SIGKILL the test sends. No timing: the kill lands exactly there.
 *   node --import tsx drain-runner.ts <rest-url> <token> <read|applied>
 */
import { z } from "zod";
import { createStockContext } from "@/lib/context";
import { createRedis } from "@/lib/redis/client";
import { drainIntake } from "@/workers/drain";

const [url, token, stage] = z.tuple([z.url(), z.string().min(1), z.enum(["read", "applied"])]).parse(process.argv.slice(2));
// The parent's env names the policy and channels; only Redis is the one given.
const ctx = createStockContext(process.env, { redis: createRedis(url, token) });
await drainIntake(ctx, {
  consumer: "doomed-consumer",
  // Take only fresh entries: nothing of anyone else's.
  claimIdleMs: 3_600_000,
  maxMs: 60_000,
  pauseAt: async (at, batch) => {
    if (at !== stage) return;
    process.stdout.write(`PAUSED ${at} deliveries=${batch.deliveries} events=${batch.events}\n`);
    await new Promise(() => undefined);
  },
});
process.stdout.write("DRAINED without pausing\n");
