import { signBody } from "@/lib/http/hmac";
import { percentile, runningStack } from "./stack-info";

/**
 * Intake: 2,000 signed WMS events at 50 concurrency. Reports ack p50/p99 next to
 * /api/health p99 measured in the same run (target: ack p99 ≤ 3× health p99), and the time
 * from the last ack until every event is visible in /api/stock (target ≤ 2 s).
 */
const { appUrl, secrets } = runningStack();
const TOTAL = Number(process.env.BENCH_EVENTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SKU_COUNT = 50;
const run = Date.now().toString(36).toUpperCase();
const skus = Array.from({ length: SKU_COUNT }, (_, i) => `BENCH-${run}-${i}`);

async function timed(send: () => Promise<Response>, expected: number): Promise<number> {
  const started = performance.now();
  const response = await send();
  await response.arrayBuffer();
  if (response.status !== expected) throw new Error(`unexpected HTTP ${response.status}`);
  return performance.now() - started;
}

async function pool(count: number, task: (i: number) => Promise<number>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) latencies.push(await task(next++));
    }),
  );
  return latencies.sort((a, b) => a - b);
}

const health = await pool(TOTAL, () => timed(() => fetch(`${appUrl}/api/health`), 200));
const occurredAt = new Date().toISOString();
const acks = await pool(TOTAL, (i) => {
  const body = JSON.stringify({ id: `bench-${run}-${i}`, type: "receipt", sku: skus[i % SKU_COUNT], locationId: "wh-east", quantity: 1, occurredAt });
  return timed(() => fetch(`${appUrl}/api/webhooks/wms`, { method: "POST", body, headers: { "content-type": "application/json", "x-signature-sha256": signBody(body, secrets.wmsWebhookSecret) } }), 202);
});
const lastAck = performance.now();

const expectedOnHand = TOTAL / SKU_COUNT;
const query = skus.map((s) => `sku=${s}`).join("&");
let applied = 0;
while (performance.now() - lastAck < 30_000) {
  const stock = (await (await fetch(`${appUrl}/api/stock?${query}`)).json()) as { skus: Record<string, { locations: Record<string, { available: number }> }> };
  // Storefront buffer is 2 per location: wh-east shows onHand − 2.
  applied = skus.filter((s) => (stock.skus[s]?.locations["wh-east"]?.available ?? 0) === expectedOnHand - 2).length;
  if (applied === SKU_COUNT) break;
  await new Promise((r) => setTimeout(r, 10));
}
const drainMs = performance.now() - lastAck;

console.log(`\nIntake: ${TOTAL} signed WMS events, ${CONCURRENCY} concurrent, ${SKU_COUNT} SKUs (${appUrl})\n`);
console.log("| measure | p50 ms | p99 ms |");
console.log("|---|---|---|");
console.log(`| /api/health | ${percentile(health, 50).toFixed(1)} | ${percentile(health, 99).toFixed(1)} |`);
console.log(`| webhook ack | ${percentile(acks, 50).toFixed(1)} | ${percentile(acks, 99).toFixed(1)} |`);
console.log(`\nack p99 / health p99: ${(percentile(acks, 99) / percentile(health, 99)).toFixed(2)}× (target ≤ 3×)`);
console.log(`last ack → all ${SKU_COUNT} SKUs show every event: ${applied === SKU_COUNT ? `${drainMs.toFixed(0)} ms` : `NOT within 30 s (${applied}/${SKU_COUNT})`} (target ≤ 2000 ms)`);
