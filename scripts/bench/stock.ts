import autocannon from "autocannon";
import { demoSkus } from "@/lib/catalog/demo-catalog";
import { fail, intSetting, requireFigures } from "./bench-checks";
import { main } from "./bench-main";
import { requireStockedSkus, withBenchStack } from "./bench-stack";

/**
 * /api/stock against /api/health in the same run: 10 and 50 connections, a single SKU and
 * 20-SKU batches. Targets: stock ≥ 0.6× health's req/s, stock p99 ≤ 2× health's p99.
 */
const skus = demoSkus();

await main(async () => {
  const seconds = intSetting(process.env, "BENCH_SECONDS", 8);
  await withBenchStack("stock", { quiet: true, signs: false }, async ({ appUrl }) => {
    // Stock to read: an unseeded stack answers the same requests from nothing, faster than it ever would for real.
    await requireStockedSkus(appUrl, skus.slice(0, 20), 1, "the 20-SKU batch reads the first 20 demo SKUs");

    async function measure(path: string, connections: number) {
      const result = await autocannon({ url: `${appUrl}${path}`, connections, duration: seconds, pipelining: 1 });
      if (result.non2xx > 0 || result.errors > 0) fail(`${path.split("?")[0]}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      const figures = { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
      if (result["2xx"] === 0) fail(`${path.split("?")[0]} at ${connections} connections: no request completed in ${seconds} s`);
      requireFigures(`${path.split("?")[0]} at ${connections} connections`, figures);
      return figures;
    }

    const rows: string[] = [];
    for (const connections of [10, 50]) {
      const health = await measure("/api/health", connections);
      for (const [label, query] of [
        ["1 SKU", `sku=${skus[0]}`],
        [
          "20 SKUs",
          skus
            .slice(0, 20)
            .map((s) => `sku=${s}`)
            .join("&"),
        ],
      ] as const) {
        const stock = await measure(`/api/stock?${query}`, connections);
        rows.push(
          `| ${connections} | ${label} | ${stock.rps.toFixed(0)} | ${stock.p50} | ${stock.p99} | ${health.rps.toFixed(0)} | ${health.p50} | ${health.p99} | ${(stock.rps / health.rps).toFixed(2)}× | ${(stock.p99 / Math.max(1, health.p99)).toFixed(2)}× |`,
        );
      }
    }
    console.log(`\n/api/stock vs /api/health (${seconds} s each, autocannon, ${appUrl})\n`);
    console.log(
      "| conns | stock query | stock req/s | stock p50 ms | stock p99 ms | health req/s | health p50 ms | health p99 ms | throughput ratio (≥ 0.6) | p99 ratio (≤ 2) |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
  });
});
