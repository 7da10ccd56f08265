import { writableChannels } from "@/lib/channels/registry";
import { clientsFromEnv, type StockContext } from "@/lib/context";
import { channelKeys } from "@/lib/redis/keys";
import { SHOPIFY_PLANS } from "@/lib/shopify/admin-client";
import { dirtyCount, listInflight } from "@/lib/redis/channel-store";
import { enqueueDelivery, queueLength } from "@/lib/redis/intake-queue";
import { drainIntake } from "@/workers/drain";
import { flushChannels } from "@/workers/flush";
import { runReconcile } from "@/workers/reconcile";
import { loadCatalog, startChannelWorld } from "@/harness/channel-world";
import { fail, intListSetting, requireFigures, stackChoice } from "./bench-checks";
import { main } from "./bench-main";

/**
 * A full drift pass over 1,000 and 10,000 SKUs (2 locations each) on Shopify Standard-plan
 * limits (restore 100 points/s, bucket 2,000; our bucket is half of it at 80 % of the restore
 * rate) and the marketplace's 10 requests/s, against real Redis and the emulators, with 1 %
 * of the SKUs drifted on Shopify. Prints the pass time, pages and corrections.
 *
 *   npm run bench:reconcile            # both sizes
 *   BENCH_SKUS=1000 npm run bench:reconcile
 *
 * It needs no stack: its world (redis-server, bridge, Edge Config, emulators) is its own.
 */

async function untilIdle(ctx: StockContext): Promise<void> {
  const { redis } = ctx;
  const policy = await ctx.policy();
  for (;;) {
    await drainIntake(ctx, { maxMs: 10_000 });
    await flushChannels(ctx, { maxMs: 30_000 });
    const pending = await Promise.all(
      writableChannels(ctx, policy).map(async (a) => (await dirtyCount(redis, a.channel)) + (await listInflight(redis, a.channel)).length),
    );
    if ((await queueLength(redis)) === 0 && pending.every((n) => n === 0)) return;
  }
}

/** Shopify's limits (the emulator's) and our client's plan, together; a context whose clients know the plan. */
async function setPlan(world: Awaited<ReturnType<typeof startChannelWorld>>, plan: keyof typeof SHOPIFY_PLANS): Promise<StockContext> {
  const shopifyUrl = world.shopify.url;
  await fetch(`${shopifyUrl}/_emulator/plan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(SHOPIFY_PLANS[plan]) });
  return world.context({ clients: clientsFromEnv({ ...world.env, SHOPIFY_PLAN: plan }) });
}

await main(async () => {
  if (stackChoice(process.argv.slice(2), process.env) === "running")
    fail("bench:reconcile runs a world of its own (redis-server, bridge, emulators) and never a running stack: drop --running / BENCH_STACK=running");
  // 1 % drifted needs at least 100 SKUs; the catalog has 10 variants a product.
  const sizes = intListSetting(process.env, "BENCH_SKUS", [1_000, 10_000], 100, 10);
  const rows: string[] = [];
  for (const size of sizes) {
    const catalog = loadCatalog(size / 10, 10);
    const skus = catalog.products.flatMap((p) => p.variants.map((v) => v.sku));
    const world = await startChannelWorld(catalog);
    try {
      const at = "2026-11-27T08:00:00.000Z";
      const events = skus.flatMap((sku, i) => [
        {
          id: `b-${sku}-e`,
          kind: "receipt" as const,
          sku,
          locationId: "wh-east",
          quantity: 20 + (i % 9),
          occurredAt: at,
          source: "wms" as const,
          sourceUri: "bench://seed",
        },
        {
          id: `b-${sku}-w`,
          kind: "receipt" as const,
          sku,
          locationId: "wh-west",
          quantity: 10 + (i % 7),
          occurredAt: at,
          source: "wms" as const,
          sourceUri: "bench://seed",
        },
      ]);
      for (let i = 0; i < events.length; i += 500) await enqueueDelivery(world.ctx.redis, "wms", null, events.slice(i, i + 500));
      console.log(`${size} SKUs: seeding and first sync (on Plus limits, to get to the measurement sooner)…`);
      await untilIdle(await setPlan(world, "plus"));
      // The measurement itself runs on Standard limits: Shopify's bucket and ours.
      const standard = await setPlan(world, "standard");
      await world.ctx.redis.del(channelKeys.bucket("shopify"));
      // 1 % of SKUs over-reported on Shopify by 3 (an admin edit, a lost webhook).
      const drifted = skus.filter((_, i) => i % 100 === 7);
      for (const sku of drifted) {
        const level =
          ((await (await fetch(`${world.shopify.url}/_emulator/inventory?sku=${sku}`)).json()) as Record<string, Record<string, { available: number }>>)[sku]?.[
            "wh-east"
          ]?.available ?? 0;
        await fetch(`${world.shopify.url}/_emulator/inventory`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ sku, locationId: "wh-east", available: level + 3 }),
        });
      }
      await fetch(`${world.shopify.url}/_emulator/reset-stats`, { method: "POST" });
      console.log(`${size} SKUs: drift pass…`);
      const started = Date.now();
      let calls = 0;
      let pages = 0;
      let run = null;
      do {
        // Each call is one cron invocation with a 50 s budget, as on Vercel.
        run = await runReconcile(standard, { budgetMs: 50_000 });
        // Null: another pass holds the lease; in a world of its own nothing else should.
        if (!run) fail(`${size} SKUs: the drift pass could not take its lease`);
        calls++;
        pages += run.pages;
      } while (!run.finished);
      const ms = Date.now() - started;
      const stats = (await (await fetch(`${world.shopify.url}/_emulator/stats`)).json()) as {
        adminRequests: number;
        throttled: number;
        peakBucketUsage: number;
      };
      rows.push(
        `| ${size.toLocaleString()} | ${(size * 2).toLocaleString()} + ${size.toLocaleString()} | ${(ms / 1000).toFixed(1)} s | ${calls} | ${pages} | ${run.pass.drifted} | ${run.pass.corrected} | ${stats.adminRequests} | ${stats.throttled} | ${stats.peakBucketUsage} |`,
      );
      console.log(rows.at(-1));
      requireFigures(`${size} SKUs`, { "pass time": ms });
      if (pages === 0) fail(`${size} SKUs: the drift pass read no page of levels`);
      if (run.pass.drifted === 0) fail(`${size} SKUs: the drift pass found none of the ${drifted.length} SKUs drifted on Shopify`);
    } finally {
      await world.stop();
    }
  }
  console.log(
    "\n| SKUs | levels checked (Shopify + marketplace) | pass time | cron calls (50 s each) | pages | drifted | corrected | Shopify requests | THROTTLED | peak Shopify bucket use |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
});
