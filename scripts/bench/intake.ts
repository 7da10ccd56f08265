import { signBody } from "@/lib/http/hmac";
import { fail, intSetting, percentile, requireFigures } from "./bench-checks";
import { main } from "./bench-main";
import { withBenchStack } from "./bench-stack";

/**
 * Intake: 2,000 signed WMS events at 50 concurrency. Reports ack p50/p99 next to
 * /api/health p99 measured in the same run (target: ack p99 ≤ 3× health p99), and the time
 * from the last ack until every event is visible in /api/stock (target ≤ 2 s).
 */
const SKU_COUNT = 50;

async function timed(send: () => Promise<Response>, expected: number, what: string): Promise<number> {
  const started = performance.now();
  const response = await send();
  const text = await response.text();
  if (response.status !== expected) fail(`${what} answered HTTP ${response.status}, not ${expected}: ${text.slice(0, 160)}`);
  return performance.now() - started;
}

async function pool(count: number, concurrency: number, task: (i: number) => Promise<number>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) latencies.push(await task(next++));
    }),
  );
  return latencies.sort((a, b) => a - b);
}

await main(async () => {
  const TOTAL = intSetting(process.env, "BENCH_EVENTS", 2_000, SKU_COUNT);
  const CONCURRENCY = intSetting(process.env, "BENCH_CONCURRENCY", 50);
  if (TOTAL % SKU_COUNT !== 0) fail(`BENCH_EVENTS must be a multiple of ${SKU_COUNT} (each SKU gets the same number of events; got ${TOTAL})`);
  const run = Date.now().toString(36).toUpperCase();
  const skus = Array.from({ length: SKU_COUNT }, (_, i) => `BENCH-${run}-${i}`);
  await withBenchStack("intake", { quiet: true, signs: true }, async ({ appUrl, secrets }) => {
    const health = await pool(TOTAL, CONCURRENCY, () => timed(() => fetch(`${appUrl}/api/health`), 200, "/api/health"));
    const occurredAt = new Date().toISOString();
    const acks = await pool(TOTAL, CONCURRENCY, (i) => {
      const body = JSON.stringify({ id: `bench-${run}-${i}`, type: "receipt", sku: skus[i % SKU_COUNT], locationId: "wh-east", quantity: 1, occurredAt });
      return timed(
        () =>
          fetch(`${appUrl}/api/webhooks/wms`, {
            method: "POST",
            body,
            headers: { "content-type": "application/json", "x-signature-sha256": signBody(body, secrets.wmsWebhookSecret) },
          }),
        202,
        "the WMS webhook",
      );
    });
    const lastAck = performance.now();

    const expectedOnHand = TOTAL / SKU_COUNT;
    const query = skus.map((s) => `sku=${s}`).join("&");
    let applied = 0;
    while (performance.now() - lastAck < 30_000) {
      const stock = (await (await fetch(`${appUrl}/api/stock?${query}`)).json()) as {
        skus: Record<string, { locations: Record<string, { available: number }> }>;
      };
      // Storefront buffer is 2 per location: wh-east shows onHand − 2.
      applied = skus.filter((s) => (stock.skus[s]?.locations["wh-east"]?.available ?? 0) === expectedOnHand - 2).length;
      if (applied === SKU_COUNT) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const drainMs = performance.now() - lastAck;
    const figures = {
      "health p50": percentile(health, 50),
      "health p99": percentile(health, 99),
      "ack p50": percentile(acks, 50),
      "ack p99": percentile(acks, 99),
    };
    requireFigures("intake", figures);

    console.log(`\nIntake: ${TOTAL} signed WMS events, ${CONCURRENCY} concurrent, ${SKU_COUNT} SKUs (${appUrl})\n`);
    console.log("| measure | p50 ms | p99 ms |");
    console.log("|---|---|---|");
    console.log(`| /api/health | ${figures["health p50"].toFixed(1)} | ${figures["health p99"].toFixed(1)} |`);
    console.log(`| webhook ack | ${figures["ack p50"].toFixed(1)} | ${figures["ack p99"].toFixed(1)} |`);
    console.log(`\nack p99 / health p99: ${(figures["ack p99"] / figures["health p99"]).toFixed(2)}× (target ≤ 3×)`);
    console.log(
      `last ack → all ${SKU_COUNT} SKUs show every event: ${applied === SKU_COUNT ? `${drainMs.toFixed(0)} ms` : `NOT within 30 s (${applied}/${SKU_COUNT})`} (target ≤ 2000 ms)`,
    );
    // The table above says what was seen; without every SKU applied there is no time-to-applied figure.
    if (applied < SKU_COUNT) fail(`intake: only ${applied} of ${SKU_COUNT} SKUs showed every event within 30 s of the last ack`);
  });
});
