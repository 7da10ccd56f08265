import { demoSkus } from "@/lib/catalog/demo-catalog";
import { signBody } from "@/lib/http/hmac";
import { createRedis } from "@/lib/redis/client";
import { incidentSchema } from "@/lib/redis/incident-store";
import { keys } from "@/lib/redis/keys";
import { fail, intSetting, percentile, requireFigures, requireObserved } from "./bench-checks";
import { main } from "./bench-main";
import { requireStockedSkus, withBenchStack } from "./bench-stack";

/**
 * Time from a warehouse `short_pick` to a recovered incident (refund, apology code and email
 * done) on a quiet stack (its own by default; `--running` for DEMO_TRAFFIC=0 npm start): real
 * webhook, drain, recovery job, Shopify emulator.
 */
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

await main(async () => {
  const RUNS = intSetting(process.env, "BENCH_RUNS", 20);
  await withBenchStack("recovery", { quiet: true, signs: true, shopify: true, bridge: true }, async ({ appUrl, emulators, secrets, bridge }) => {
    if (!emulators.shopify || !bridge) fail("needs the Shopify emulator and the Upstash-REST bridge");
    const redis = createRedis(bridge.url, bridge.token);
    // SKUs the online store can still sell (each run buys one unit).
    const SKUS = await requireStockedSkus(appUrl, demoSkus().slice(0, 50), 3, "each run buys one unit online");

    const times: number[] = [];
    // Run 0 is untimed: the first refund, discount code and email each load their code paths cold.
    for (let i = 0; i <= RUNS; i++) {
      const sku = SKUS[i % SKUS.length]!;
      const checkout = await post(`${emulators.shopify}/_emulator/checkout`, { lines: [{ sku, quantity: 1 }], email: `bench${i}@example.com` });
      if (checkout.status !== 200) fail(`checkout of ${sku} answered HTTP ${checkout.status}: ${(await checkout.text()).slice(0, 160)}`);
      const placed = (await checkout.json()) as { orderId: number; lines: { lineItemId: number }[] };
      const id = `bench-short-${Date.now().toString(36)}-${i}`;
      const body = JSON.stringify({
        id,
        type: "short_pick",
        sku,
        locationId: "wh-east",
        quantity: 1,
        occurredAt: new Date().toISOString(),
        orderId: `shopify:${placed.orderId}`,
        lineId: String(placed.lines[0]!.lineItemId),
      });
      const started = performance.now();
      const response = await fetch(`${appUrl}/api/webhooks/wms`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-signature-sha256": signBody(body, secrets.wmsWebhookSecret) },
        body,
      });
      if (response.status !== 202) fail(`the WMS webhook answered HTTP ${response.status}: ${(await response.text()).slice(0, 160)}`);
      for (;;) {
        const raw = await redis.hget(keys.incidents, `short:wms:${id}`);
        const incident = raw ? incidentSchema.safeParse(typeof raw === "string" ? JSON.parse(raw) : raw) : null;
        if (incident?.success && ["recovered", "awaiting_decision", "failed"].includes(incident.data.state)) {
          if (incident.data.state !== "recovered") fail(`run ${i}: the incident for ${sku} ended ${incident.data.state}, not recovered`);
          break;
        }
        if (performance.now() - started > 60_000) fail(`run ${i}: the incident for ${sku} was not recovered within 60 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
      if (i > 0) times.push(performance.now() - started);
    }
    const sorted = [...times].sort((a, b) => a - b);
    requireObserved("recovery", sorted.length, RUNS);
    const figures = { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? NaN };
    requireFigures("recovery", figures);
    console.log(`\nshort_pick → incident recovered (refund + code + email), ${RUNS} runs (after an untimed warm-up) against ${appUrl}`);
    console.log(`p50 ${figures.p50.toFixed(0)} ms · p95 ${figures.p95.toFixed(0)} ms · max ${figures.max.toFixed(0)} ms`);
  });
});
