import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { launchChromium } from "@/harness/chromium";
import { PAGE_PROBE } from "@/harness/page-probe";
import { fail, intSetting, oneLine, percentile, requireFigures } from "./bench-checks";
import { main } from "./bench-main";
import { withBenchStack } from "./bench-stack";

/**
 * 50 PDP loads in real Chromium (each a fresh browser context: no warm JS or HTTP cache):
 * time from navigation start to the badge showing a number, layout shift caused by the
 * badge (target CLS 0), total CLS, and the share of shell (document) responses served from
 * the prerendered cache.
 */
const pages = demoCatalog.products.map((p) => `/products/${p.handle}`);

await main(async () => {
  const LOADS = intSetting(process.env, "BENCH_LOADS", 50);
  // Demo traffic moves numbers, not page loads: the badge still shows one, so any stack will do.
  await withBenchStack("pdp", { quiet: false, signs: false }, async ({ appUrl }) => {
    const browser = await launchChromium().catch((error: unknown) =>
      fail(`cannot launch Chromium (${oneLine(error)}); \`bash scripts/bootstrap.sh --with-browser\` installs it`),
    );
    const times: number[] = [];
    const badgeShifts: number[] = [];
    const totalShifts: number[] = [];
    const cacheStates = new Map<string, number>();
    try {
      for (let i = 0; i < LOADS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.addInitScript({ content: PAGE_PROBE });
        const target = pages[i % pages.length]!;
        const response = await page.goto(`${appUrl}${target}`, { waitUntil: "domcontentloaded" });
        if (!response || response.status() !== 200) fail(`${target} answered HTTP ${response?.status() ?? "nothing"}`);
        const cache = response.headers()["x-nextjs-cache"] ?? "none";
        cacheStates.set(cache, (cacheStates.get(cache) ?? 0) + 1);
        await page
          .waitForFunction(() => (window as unknown as { __bench: { badgeAt: number | null } }).__bench.badgeAt !== null, undefined, { timeout: 15_000 })
          .catch(() => fail(`${target}: the stock badge showed no number within 15 s`));
        // Let late shifts (fonts, images) land before reading CLS.
        await page.waitForTimeout(500);
        const result = await page.evaluate(() => (window as unknown as { __bench: { badgeAt: number; cls: number; badgeCls: number } }).__bench);
        times.push(result.badgeAt);
        badgeShifts.push(result.badgeCls);
        totalShifts.push(result.cls);
        await context.close();
      }
    } finally {
      await browser.close();
    }

    const pct = (values: number[], p: number) =>
      percentile(
        [...values].sort((a, b) => a - b),
        p,
      );
    const figures = { "badge p50": pct(times, 50), "badge p95": pct(times, 95), "badge CLS": Math.max(...badgeShifts), CLS: Math.max(...totalShifts) };
    requireFigures("pdp", figures);
    const fromCache = (cacheStates.get("HIT") ?? 0) + (cacheStates.get("STALE") ?? 0);
    console.log(`\nPDP loads: ${LOADS} (fresh browser context each, ${appUrl})\n`);
    console.log("| metric | value |");
    console.log("|---|---|");
    console.log(`| navigation start → badge shows a number, p50 | ${figures["badge p50"].toFixed(0)} ms |`);
    console.log(`| navigation start → badge shows a number, p95 | ${figures["badge p95"].toFixed(0)} ms |`);
    console.log(`| layout shift caused by the badge (max over loads) | ${figures["badge CLS"].toFixed(4)} |`);
    console.log(`| total CLS of the page (max over loads) | ${figures.CLS.toFixed(4)} |`);
    console.log(
      `| shell responses from the prerendered cache | ${fromCache}/${LOADS} (${((fromCache / LOADS) * 100).toFixed(0)} %) ${JSON.stringify(Object.fromEntries(cacheStates))} |`,
    );
  });
});
