import { spawn } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { BadgeRead } from "./truth";

/**
 * Open product tabs whose stock badge asks again every refresh interval. Ours: they poll
 * `/api/stock` from a process of their own (watchers.ts), which also times each request. Naive:
 * the page shows its cached number, read in this process.
 */
export interface TabsResult {
  latencies: number[];
  reads: BadgeRead[];
  failures: number;
}

const outputSchema = z.object({
  latencies: z.array(z.number()),
  reads: z.array(z.object({ at: z.number(), sku: z.string(), shown: z.number() })),
  failures: z.number(),
});

export async function apiTabs(url: string, tabs: number, refreshMs: number, until: number): Promise<TabsResult> {
  if (tabs === 0) return { latencies: [], reads: [], failures: 0 };
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "watchers.ts"), url, String(tabs), String(refreshMs), String(until)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the badge-tab process exited with ${code}`);
  return outputSchema.parse(JSON.parse(output));
}

export async function cachedPageTabs(
  tabs: number,
  refreshMs: number,
  skus: readonly string[],
  shown: (sku: string) => Promise<number>,
  until: number,
): Promise<TabsResult> {
  const result: TabsResult = { latencies: [], reads: [], failures: 0 };
  await Promise.all(
    Array.from({ length: tabs }, async (_, i) => {
      await sleep((refreshMs * i) / Math.max(1, tabs));
      while (Date.now() < until) {
        const started = Date.now();
        try {
          const values = await Promise.all(skus.map(async (sku) => [sku, await shown(sku)] as const));
          for (const [sku, n] of values) result.reads.push({ at: Date.now(), sku, shown: n });
        } catch {
          result.failures++;
        }
        await sleep(Math.max(0, refreshMs - (Date.now() - started)));
      }
    }),
  );
  return result;
}
