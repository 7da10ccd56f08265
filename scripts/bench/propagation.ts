import { demoSkus } from "@/lib/catalog/demo-catalog";
import { signBody } from "@/lib/http/hmac";
import { fail, intSetting, percentile, requireFigures, requireObserved, stockedAt } from "./bench-checks";
import { main } from "./bench-main";
import { withBenchStack } from "./bench-stack";
import { requireStatus, signedPost } from "./stack-info";

/**
 * Channel propagation on a quiet stack (its own by default; `--running` for DEMO_TRAFFIC=0 npm start):
 * 1. WMS event → Shopify emulator quantity, p50/p95, at 100 and 500 events/s on Standard-plan
 *    limits (target: p95 ≤ 1 s at 500/s);
 * 2. Shopify calls per 1,000 SKU changes (coalescing; target ≤ 10).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Inventory = Record<string, Record<string, { available: number }>>;

await main(async () => {
  const SECONDS = intSetting(process.env, "BENCH_SECONDS", 10);
  /** Events due within one tick are sent as one WMS batch. */
  const TICK_MS = intSetting(process.env, "BENCH_TICK_MS", 20);
  await withBenchStack("propagation", { quiet: true, signs: true, shopify: true }, async ({ appUrl, emulators, secrets }) => {
    const shopify = emulators.shopify;
    if (!shopify) fail("no Shopify emulator in the stack");
    const run = Date.now().toString(36);
    let seq = 0;
    const inventory = async (): Promise<Inventory> => (await (await fetch(`${shopify}/_emulator/inventory`)).json()) as Inventory;
    const stats = async () =>
      (await (await fetch(`${shopify}/_emulator/stats`)).json()) as { mutationsApplied: number; throttled: number; peakBucketUsage: number };
    const receipt = (sku: string) => ({
      id: `bench-${run}-${seq++}`,
      type: "receipt",
      sku,
      locationId: "wh-east",
      quantity: 1,
      occurredAt: new Date().toISOString(),
    });
    const deliver = async (events: unknown[]) =>
      requireStatus(await signedPost(`${appUrl}/api/webhooks/wms`, { events }, secrets.wmsWebhookSecret, signBody), 202, "the WMS webhook");

    // SKUs Shopify already sells at wh-east: each +1 on-hand shows as +1 there. None on a restarted
    // `npm start`: Redis keeps its stock, the emulator starts empty, and nothing is dirty to flush.
    const skus = stockedAt(await inventory(), demoSkus(), "wh-east");
    if (skus.length === 0)
      fail(
        `no demo SKU is stocked at wh-east on the Shopify emulator (${shopify}) (sold out, or started with SEED=0): run without --running for a fresh stack`,
      );

    async function propagation(rate: number) {
      const base = await inventory();
      const sent: { sku: string; target: number; at: number }[] = [];
      const counts = new Map<string, number>();
      const seen: number[] = [];
      let polling = true;
      const poller = (async () => {
        const pending = new Set<number>();
        let added = 0;
        while (polling || pending.size > 0) {
          while (added < sent.length) pending.add(added++);
          const inv = await inventory();
          const now = performance.now();
          for (const k of pending) {
            const e = sent[k]!;
            if ((inv[e.sku]?.["wh-east"]?.available ?? 0) >= e.target) {
              seen.push(now - e.at);
              pending.delete(k);
            }
          }
          if (!polling && now - (sent.at(-1)?.at ?? 0) > 15_000) break;
          await sleep(10);
        }
      })();
      const total = rate * SECONDS;
      const start = performance.now();
      const inFlight: Promise<unknown>[] = [];
      // Like a WMS (and our WMS emulator), events due within one tick go out in one signed batch.
      for (let i = 0; i < total;) {
        const tickEnd = start + (Math.floor((i * 1000) / rate / TICK_MS) + 1) * TICK_MS;
        const wait = tickEnd - TICK_MS - performance.now();
        if (wait > 1) await sleep(wait);
        const batch = [];
        for (; i < total && start + (i * 1000) / rate < tickEnd; i++) {
          const sku = skus[i % skus.length]!;
          const n = (counts.get(sku) ?? 0) + 1;
          counts.set(sku, n);
          sent.push({ sku, target: (base[sku]?.["wh-east"]?.available ?? 0) + n, at: performance.now() });
          batch.push(receipt(sku));
        }
        const delivery = deliver(batch);
        delivery.catch(() => undefined); // judged below, once every batch is in
        inFlight.push(delivery);
      }
      const achievedRate = total / ((performance.now() - start) / 1000);
      // A refused batch ends the run, but only once the poller has stopped (no stray loop keeps going).
      const delivered = await Promise.allSettled(inFlight);
      polling = false;
      await poller;
      const refused = delivered.find((d) => d.status === "rejected");
      if (refused) throw refused.reason;
      const sorted = [...seen].sort((a, b) => a - b);
      return { rate, events: total, observed: seen.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), achievedRate };
    }

    async function callsPer1000() {
      const before = await stats();
      const all = demoSkus();
      const events = Array.from({ length: 1_000 }, (_, i) => receipt(all[i % all.length]!));
      for (let i = 0; i < events.length; i += 100) await deliver(events.slice(i, i + 100));
      await sleep(5_000);
      const after = await stats();
      return { changes: 1_000, skus: all.length, mutations: after.mutationsApplied - before.mutationsApplied };
    }

    const rows = [];
    for (const rate of [100, 500]) rows.push(await propagation(rate));
    const coalescing = await callsPer1000();
    const final = await stats();
    console.log(
      `\nWMS event → Shopify emulator available (Standard plan: 100 points/s, bucket 2,000), ${SECONDS} s per rate, WMS batches every ${TICK_MS} ms\n`,
    );
    console.log("| target rate | achieved | events | observed | p50 ms | p95 ms |");
    console.log("|---|---|---|---|---|---|");
    for (const r of rows)
      console.log(`| ${r.rate}/s | ${r.achievedRate.toFixed(0)}/s | ${r.events} | ${r.observed} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} |`);
    console.log(`\nShopify mutations for ${coalescing.changes} changes over ${coalescing.skus} SKUs: ${coalescing.mutations} (target ≤ 10)`);
    console.log(`Shopify THROTTLED responses so far: ${final.throttled}; peak bucket use: ${final.peakBucketUsage} of 2000`);
    // Printed first (what was seen is worth reading), refused after: a partial or empty row is no figure.
    for (const r of rows) {
      requireObserved(`propagation at ${r.rate}/s`, r.observed, r.events);
      requireFigures(`propagation at ${r.rate}/s`, { p50: r.p50, p95: r.p95, "achieved rate": r.achievedRate });
    }
    if (coalescing.mutations === 0) fail("coalescing: 1,000 changes made no Shopify mutation at all (the flush never ran?)");
  });
});
