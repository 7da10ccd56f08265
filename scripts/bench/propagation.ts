import { demoSkus } from "@/lib/catalog/demo-catalog";
import { signBody } from "@/lib/http/hmac";
import { percentile, runningStack, signedPost } from "./stack-info";

/**
 * Channel propagation against `npm start` (run it with DEMO_TRAFFIC=0):
 * 1. WMS event → Shopify emulator quantity, p50/p95, at 100 and 500 events/s on Standard-plan
 *    limits (target: p95 ≤ 1 s at 500/s);
 * 2. Shopify calls per 1,000 SKU changes (coalescing; target ≤ 10).
 */
const { appUrl, emulators, secrets } = runningStack();
const shopify = emulators.shopify;
if (!shopify) throw new Error("no Shopify emulator in the running stack (EMULATORS=0?)");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Events due within one tick are sent as one WMS batch. */
const TICK_MS = Number(process.env.BENCH_TICK_MS ?? 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = Date.now().toString(36);
let seq = 0;

type Inventory = Record<string, Record<string, { available: number }>>;
const inventory = async (): Promise<Inventory> => (await (await fetch(`${shopify}/_emulator/inventory`)).json()) as Inventory;
const stats = async () => (await (await fetch(`${shopify}/_emulator/stats`)).json()) as { mutationsApplied: number; throttled: number; peakBucketUsage: number };
const receipt = (sku: string) => ({ id: `bench-${run}-${seq++}`, type: "receipt", sku, locationId: "wh-east", quantity: 1, occurredAt: new Date().toISOString() });

async function propagation(rate: number) {
  // SKUs Shopify already sells at wh-east: each +1 on-hand shows as +1 there.
  const base = await inventory();
  const skus = demoSkus().filter((s) => (base[s]?.["wh-east"]?.available ?? 0) > 0);
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
  for (let i = 0; i < total; ) {
    const tickEnd = start + ((Math.floor(((i * 1000) / rate) / TICK_MS) + 1) * TICK_MS);
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
    inFlight.push(signedPost(`${appUrl}/api/webhooks/wms`, { events: batch }, secrets.wmsWebhookSecret, signBody).then((r) => r.arrayBuffer()));
  }
  const achievedRate = total / ((performance.now() - start) / 1000);
  await Promise.all(inFlight);
  polling = false;
  await poller;
  const sorted = [...seen].sort((a, b) => a - b);
  return { rate, events: total, observed: seen.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), achievedRate };
}

async function callsPer1000() {
  const before = await stats();
  const skus = demoSkus();
  const events = Array.from({ length: 1_000 }, (_, i) => receipt(skus[i % skus.length]!));
  for (let i = 0; i < events.length; i += 100) await signedPost(`${appUrl}/api/webhooks/wms`, { events: events.slice(i, i + 100) }, secrets.wmsWebhookSecret, signBody);
  await sleep(5_000);
  const after = await stats();
  return { changes: 1_000, skus: skus.length, mutations: after.mutationsApplied - before.mutationsApplied };
}

const rows = [];
for (const rate of [100, 500]) rows.push(await propagation(rate));
const coalescing = await callsPer1000();
const final = await stats();
console.log(`\nWMS event → Shopify emulator available (Standard plan: 100 points/s, bucket 2,000), ${SECONDS} s per rate, WMS batches every ${TICK_MS} ms\n`);
console.log("| target rate | achieved | events | observed | p50 ms | p95 ms |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.rate}/s | ${r.achievedRate.toFixed(0)}/s | ${r.events} | ${r.observed} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} |`);
console.log(`\nShopify mutations for ${coalescing.changes} changes over ${coalescing.skus} SKUs: ${coalescing.mutations} (target ≤ 10)`);
console.log(`Shopify THROTTLED responses so far: ${final.throttled}; peak bucket use: ${final.peakBucketUsage} of 2000`);
