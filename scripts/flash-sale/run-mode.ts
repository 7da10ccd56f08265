import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { request as playwrightRequest, type Browser } from "playwright";
import { policySchema, type ChannelPolicy, type Policy } from "@/lib/config/policy";
import { createRedis } from "@/lib/redis/client";
import { listIncidents } from "@/lib/redis/incident-store";
import { launchChromium } from "../../harness/chromium";
import { launchStack, type Stack } from "../stack/launch-stack";
import { SHOP_DOMAIN } from "../stack/emulators";
import { freePort, listenHttp } from "../../harness/ports";
import { allCores, cpuSplit, pinSelf } from "./cpu-split";
import { apiTabs, cachedPageTabs } from "./badge-tabs";
import { newObservations } from "./observations";
import { perform, Screenshots } from "./perform";
import { startNaiveSync, type NaiveSync } from "./naive-sync";
import type { TrafficPlan } from "./plan";
import type { ModeReport } from "./report-schema";
import { realMs, realRange, type Scenario } from "./scenario";
import { channelLogs, openOrderCount, postJson, shopifyStats, shortLines, storefront, webhookAcks } from "./stack-probe";
import { buildModeReport, type ModeObservations } from "./mode-report";

/**
 * One mode of a flash-sale run, end to end: a fresh local stack configured for the mode, the
 * planned traffic replayed on the clock, the warehouse left to pick everything, then what
 * happened read back from the world and turned into the mode's report.
 */
export interface RunModeOptions {
  mode: "ours" | "naive";
  scenario: Scenario;
  plan: TrafficPlan;
  root: string;
  outDir: string;
  log: (line: string) => void;
}

const POS_LOCATION = "wh-east";

export async function runMode(opts: RunModeOptions): Promise<ModeReport> {
  const { mode, scenario } = opts;
  const dataDir = path.join(opts.root, ".data", "flash-sale", `${mode}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const policy = policyFor(mode, scenario, JSON.parse(readFileSync(path.join(opts.root, "scripts", "stack", "edge-config.json"), "utf8")));
  const policyFile = path.join(dataDir, "edge-config.json");
  writeFileSync(policyFile, JSON.stringify(policy, null, 2));
  const stock = Object.fromEntries(scenario.skus.map((s) => [s.sku, s.stock]));

  // The naive setup has no stock layer: the systems' webhooks go to a back office that just acks them.
  const sink = mode === "naive" ? await startWebhookSink() : null;
  const cleanups: (() => Promise<unknown>)[] = [];
  if (sink) cleanups.push(sink.stop);
  let browser: Browser | undefined;
  const split = cpuSplit();
  try {
    // The stack's processes start on the server core; this process then moves to the world's.
    if (split) pinSelf(split.server);
    opts.log(`${mode}: starting a fresh stack${split ? ` (servers on CPU ${split.server}, the outside world on CPU ${split.world})` : ""}`);
    const stack = await launchStack({
      root: opts.root,
      dataDir,
      ports: {
        app: await freePort(),
        redis: await freePort(),
        bridge: await freePort(),
        edgeConfig: await freePort(),
        shopify: await freePort(),
        wms: await freePort(),
        marketplace: await freePort(),
        pos: await freePort(),
        erp: await freePort(),
      },
      emulators: true,
      policyFile,
      demoTraffic: false,
      cronIntervalMs: 1_000,
      // Our drift pass every 10 store-minutes; the naive setup has none.
      reconcileIntervalMs: mode === "ours" ? Math.max(5_000, realMs(scenario, 600)) : 0,
      seed: mode === "ours",
      bridgeProcess: true,
      world: {
        stock,
        delivery: { lagMs: realRange(scenario, scenario.webhooks.lagSec), duplicateRate: scenario.webhooks.duplicateRate, maxAttempts: 8 },
        marketplaceDelivery: { lagMs: realRange(scenario, scenario.marketplaceLagSec), duplicateRate: scenario.webhooks.duplicateRate, maxAttempts: 8 },
        posBatchEveryMs: Math.max(200, realMs(scenario, scenario.posBatchEverySec)),
        pickingLagMs: realRange(scenario, scenario.pickLagSec),
        ...(sink ? { webhookBaseUrl: sink.url } : {}),
      },
      log: (line) => opts.log(`${mode}: ${line}`),
    });
    cleanups.push(stack.stop);
    if (split) pinSelf(split.world);
    const world = worldOf(stack);
    const shop = storefront(world.shopify, stack.secrets.shopifyStorefrontToken);
    const variantIds = await shop.variantIds();
    const skus = scenario.skus.map((s) => s.sku);

    let naive: NaiveSync | null = null;
    if (mode === "naive") {
      naive = await startNaiveSync({
        skus,
        locations: Object.fromEntries(Object.entries(policy.locations).flatMap(([id, l]) => (l.shopifyLocationId ? [[id, l.shopifyLocationId]] : []))),
        shopify: { url: world.shopify, domain: SHOP_DOMAIN, adminToken: stack.secrets.shopifyAdminToken },
        marketplace: { url: world.marketplace, apiKey: stack.secrets.marketplaceApiKey },
        wmsUrl: world.wms,
        everyMs: {
          erpSnapshot: realMs(scenario, scenario.naive.erpSnapshotEverySec),
          erpImportLag: realMs(scenario, scenario.naive.erpImportLagSec),
          marketplaceCron: realMs(scenario, scenario.naive.marketplaceCronEverySec),
          pdpCache: realMs(scenario, scenario.naive.pdpCacheSec),
        },
      });
      cleanups.push(() => naive!.stop());
    } else {
      await waitForChannels(world, skus, policy, scenario);
    }

    const stockUrl = `${stack.appUrl}/api/stock?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}`;
    const idle: number[] = [];
    if (mode === "ours") {
      // Idle: the same child process, one tab asking back to back before the sale starts, once
      // the start-up work (first flush, first drift pass, route warm-up) has settled.
      await sleep(3_000);
      idle.push(...(await apiTabs(stockUrl, 1, 20, Date.now() + 7_000)).latencies.slice(40));
    }
    browser = opts.plan.actions.some((a) => a.kind === "browser") ? await launchChromium() : undefined;
    const emulatorUrls = [world.shopify, world.marketplace, world.pos, world.wms];
    const acksBefore = (await webhookAcks(emulatorUrls)).map((list) => list.length);
    await postJson(`${world.shopify}/_emulator/reset-stats`);

    opts.log(`${mode}: the sale starts (${opts.plan.actions.length} planned actions over ${(opts.plan.durationMs / 1000).toFixed(0)} s)`);
    const saleStart = Date.now();
    const observed = newObservations();
    const screenshots = new Screenshots(path.join(opts.outDir, "screenshots"), mode);
    const requestContext = await playwrightRequest.newContext();
    cleanups.push(() => requestContext.dispose());
    const until = saleStart + opts.plan.durationMs;
    const tabs = (
      naive
        ? cachedPageTabs(scenario.shoppers.watchers, policy.storefront.refreshMs, skus, naive.pdpStock, until)
        : apiTabs(stockUrl, scenario.shoppers.watchers, policy.storefront.refreshMs, until)
    ).then((result) => {
      observed.loadStockMs.push(...result.latencies);
      observed.badgeReads.push(...result.reads);
      if (result.failures) observed.failures.push(`badge tabs: ${result.failures} failed reads`);
    });
    const running = opts.plan.actions.map(async (action) => {
      await sleep(Math.max(0, saleStart + action.atMs - Date.now()));
      await perform(action, {
        mode,
        world,
        appUrl: stack.appUrl,
        browser,
        variantIds,
        naive,
        checkoutUrl: shop.checkoutUrl,
        requestContext,
        observed,
        screenshots,
      });
    });
    await Promise.all([tabs, ...running]);
    const saleEnd = Date.now();

    opts.log(`${mode}: the sale is over; letting the warehouse pick every order`);
    await postJson(`${world.pos}/_emulator/flush`);
    await settle(world, realMs(scenario, scenario.pickLagSec.max) + 15_000);
    const redis = mode === "ours" ? createRedis(stack.redisRest.url, stack.redisRest.token) : null;
    if (redis) await waitForRecovery(() => listIncidents(redis), 20_000);
    const settledAt = Date.now();

    const [shorts, logs, shopifyCounters, acks, incidents] = await Promise.all([
      shortLines(world.wms),
      channelLogs(world.shopify, world.marketplace),
      shopifyStats(world.shopify),
      webhookAcks(emulatorUrls),
      redis ? listIncidents(redis) : Promise.resolve([]),
    ]);
    // The raw record, for digging into any oversell: every warehouse order and what each channel saw.
    const wmsOrders = await (await fetch(`${world.wms}/_emulator/orders`)).json();
    writeFileSync(
      path.join(opts.outDir, `${mode}-raw.json`),
      JSON.stringify({ saleStart, sales: observed.sales, restocks: observed.restocks, wmsOrders, incidents, logs }, null, 1),
    );
    const observations: ModeObservations = {
      ...observed,
      mode,
      scenario,
      policy,
      saleStart,
      saleEnd,
      settledAt,
      stock,
      shorts,
      logs,
      shopify: shopifyCounters,
      webhookAckMs: mode === "ours" ? acks.flatMap((list, i) => list.slice(acksBefore[i] ?? 0)) : null,
      idleStockMs: idle,
      incidents,
      screenshots: screenshots.taken,
    };
    return buildModeReport(observations);
  } finally {
    await browser?.close().catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (split) pinSelf(allCores());
    // Everything worth keeping is in the output folder (report, raw record, screenshots).
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Our policy with the scenario's buffers; in naive mode our writers stay off Shopify and the marketplace. */
export function policyFor(mode: "ours" | "naive", scenario: Scenario, base: unknown): Policy {
  const policy = policySchema.parse(base);
  const set = (channel: "shopify" | "marketplace" | "pos", patch: Partial<ChannelPolicy>) => {
    const current = policy.channels[channel];
    if (current) policy.channels[channel] = { ...current, ...patch };
  };
  set("shopify", mode === "ours" ? { defaultBuffer: scenario.buffers.shopify } : { enabled: false });
  set("marketplace", mode === "ours" ? { defaultBuffer: scenario.buffers.marketplace } : { enabled: false });
  set("pos", { defaultBuffer: scenario.buffers.pos });
  // Badges ask every second: the store clock runs `timeCompression` times faster than ours.
  policy.storefront = { ...policy.storefront, refreshMs: 1_000 };
  return policy;
}

function worldOf(stack: Stack) {
  const { shopify, marketplace, pos, wms } = stack.emulators;
  if (!shopify || !marketplace || !pos || !wms) throw new Error("the flash-sale stack needs every emulator");
  return { shopify, marketplace, pos, wms, posLocation: POS_LOCATION };
}
type WorldUrls = ReturnType<typeof worldOf>;

/** Ours: the first flush has put each SKU's number on Shopify (on-hand − buffer per location) and on the marketplace. */
async function waitForChannels(world: WorldUrls, skus: readonly string[], policy: Policy, scenario: Scenario): Promise<void> {
  const buffer = policy.channels.shopify?.defaultBuffer ?? 0;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const levels = (await (await fetch(`${world.shopify}/_emulator/inventory?${skus.map((s) => `sku=${s}`).join("&")}`)).json()) as Record<
      string,
      Record<string, { available: number }>
    >;
    const listings = (await (await fetch(`${world.marketplace}/_emulator/listings`)).json()) as Record<string, unknown>;
    const shopifyReady = scenario.skus.every((s) => Object.entries(s.stock).every(([loc, n]) => levels[s.sku]?.[loc]?.available === Math.max(0, n - buffer)));
    const listed = skus.every((sku) => JSON.stringify(listings).includes(`"${sku}"`));
    if (shopifyReady && listed) return;
    await sleep(200);
  }
  throw new Error("our pipeline did not put the starting stock on Shopify and the marketplace within 30 s");
}

/** Every order picked (or shorted) at the warehouse. */
async function settle(world: WorldUrls, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await openOrderCount(world.wms)) > 0) await sleep(250);
}

/** Our recovery worker has dealt with every incident (or the wait ends). */
async function waitForRecovery(read: () => Promise<{ state: string }[]>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await sleep(1_500);
  while (Date.now() < deadline && (await read()).some((i) => i.state === "open" || i.state === "recovering")) await sleep(500);
}

async function startWebhookSink(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  const url = await listenHttp(server, "127.0.0.1", 0, "naive back office");
  return { url, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
