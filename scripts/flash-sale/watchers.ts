import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";

/**
 * Open product tabs polling `/api/stock`, run as a child process: the harness's own process
 * hosts the emulators and drives Chromium, and timing requests from a busy event loop would
 * charge its delays to our API. Prints one JSON line: every latency and every value read.
 * Usage: tsx watchers.ts <url> <tabs> <refreshMs> <untilEpochMs>
 */
const [url, tabs, refreshMs, until] = z
  .tuple([z.url(), z.coerce.number().int().min(1), z.coerce.number().int().min(10), z.coerce.number().int()])
  .parse(process.argv.slice(2));
const payloadSchema = z.object({ skus: z.record(z.string(), z.object({ available: z.number() })) });
const latencies: number[] = [];
const reads: { at: number; sku: string; shown: number }[] = [];
let failures = 0;

await Promise.all(
  Array.from({ length: tabs }, async (_, i) => {
    await sleep((refreshMs * i) / tabs);
    while (Date.now() < until) {
      const started = performance.now();
      try {
        const body = payloadSchema.parse(await (await fetch(url)).json());
        latencies.push(Math.round((performance.now() - started) * 10) / 10);
        const at = Date.now();
        for (const [sku, s] of Object.entries(body.skus)) reads.push({ at, sku, shown: s.available });
      } catch {
        failures++;
      }
      await sleep(Math.max(0, refreshMs - (performance.now() - started)));
    }
  }),
);
process.stdout.write(`${JSON.stringify({ latencies, reads, failures })}\n`);
