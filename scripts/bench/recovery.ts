import { demoSkus } from "@/lib/catalog/demo-catalog";
import { signBody } from "@/lib/http/hmac";
import type { StockResponse } from "@/lib/stock/stock-view";
import { createRedis } from "@/lib/redis/client";
import { incidentSchema } from "@/lib/redis/incident-store";
import { keys } from "@/lib/redis/keys";
import { percentile, runningStack } from "./stack-info";

/**
 * Time from a warehouse `short_pick` to a recovered incident (refund, apology code and email
 * done) against the running stack: real webhook, drain, recovery job, Shopify emulator.
 *
 *   DEMO_TRAFFIC=0 npm start   # in another terminal
 *   npm run bench:recovery
 */
const { appUrl, emulators, secrets, bridgeUrl } = runningStack();
if (!emulators.shopify || !bridgeUrl) throw new Error("needs the local stack with the Shopify emulator and the Upstash bridge");
const redis = createRedis(bridgeUrl, secrets.upstashToken);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
// SKUs the online store can still sell (each run buys one unit).
const stock = (await (await fetch(`${appUrl}/api/stock?${demoSkus().slice(0, 50).map((s) => `sku=${s}`).join("&")}`)).json()) as StockResponse;
const SKUS = Object.entries(stock.skus).filter(([, s]) => s.available >= 3).map(([sku]) => sku);
if (SKUS.length === 0) throw new Error("no SKU left to buy: restart npm start with fresh data");
const post = (url: string, body: unknown, headers: Record<string, string> = {}) => fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const sku = SKUS[i % SKUS.length]!;
  const checkout = await post(`${emulators.shopify}/_emulator/checkout`, { lines: [{ sku, quantity: 1 }], email: `bench${i}@example.com` });
  if (checkout.status !== 200) throw new Error(`checkout of ${sku} answered ${checkout.status}`);
  const placed = (await checkout.json()) as { orderId: number; lines: { lineItemId: number }[] };
  const id = `bench-short-${Date.now().toString(36)}-${i}`;
  const body = JSON.stringify({ id, type: "short_pick", sku, locationId: "wh-east", quantity: 1, occurredAt: new Date().toISOString(), orderId: `shopify:${placed.orderId}`, lineId: String(placed.lines[0]!.lineItemId) });
  const started = performance.now();
  const response = await fetch(`${appUrl}/api/webhooks/wms`, { method: "POST", headers: { "content-type": "application/json", "x-signature-sha256": signBody(body, secrets.wmsWebhookSecret) }, body });
  if (response.status !== 202) throw new Error(`WMS webhook answered ${response.status}`);
  for (;;) {
    const raw = await redis.hget(keys.incidents, `short:wms:${id}`);
    const incident = raw ? incidentSchema.safeParse(typeof raw === "string" ? JSON.parse(raw) : raw) : null;
    if (incident?.success && ["recovered", "awaiting_decision", "failed"].includes(incident.data.state)) {
      if (incident.data.state !== "recovered") throw new Error(`incident ended ${incident.data.state}`);
      break;
    }
    if (performance.now() - started > 60_000) throw new Error("not recovered within 60 s");
    await new Promise((r) => setTimeout(r, 10));
  }
  times.push(performance.now() - started);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(`\nshort_pick → incident recovered (refund + code + email), ${RUNS} runs against ${appUrl}`);
console.log(`p50 ${percentile(sorted, 50).toFixed(0)} ms · p95 ${percentile(sorted, 95).toFixed(0)} ms · max ${sorted.at(-1)?.toFixed(0)} ms`);
