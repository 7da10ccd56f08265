import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runFlashSale } from "@/scripts/flash-sale/run-flash-sale";
import { reportSchema } from "@/scripts/flash-sale/report-schema";
import { loadScenario } from "@/scripts/flash-sale/scenario";

/**
 * The flash-sale harness, small: both modes on two fresh stacks with real Chromium shoppers,
 * the same seeded traffic, a report that has the promised shape — and ours oversells no more.
 */
const root = path.resolve(import.meta.dirname, "..", "..");

describe("flash-sale harness (smoke scenario)", () => {
  it("runs ours and naive on identical traffic and writes a report in which ours oversells no more than naive", async () => {
    const outDir = path.join(root, "test-results", "flash-sale", "smoke");
    const { report, jsonFile, htmlFile } = await runFlashSale({ scenario: loadScenario("smoke"), modes: ["ours", "naive"], root, outDir, log: (line) => console.log(`[flash-sale] ${line}`) });

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
    // Every short pick is a row; ours knew of each and dealt with it.
    expect(ours.incidents).toHaveLength(new Set(ours.incidents.map((i) => `${i.orderId}/${i.sku}`)).size);
    expect(ours.incidents.every((i) => i.detectMs !== null)).toBe(true);
    expect(naive.incidents.every((i) => i.recoverMs === null)).toBe(true);
    expect(ours.badge.reads).toBeGreaterThan(0);
    expect(ours.stockApi?.load.count).toBeGreaterThan(0);
    expect(ours.webhookAckMs?.count).toBeGreaterThan(0);
    expect(ours.drift.length).toBeGreaterThan(10);
    expect(ours.shopify.throttled).toBe(0);
    // The claim.
    expect(ours.oversold.units).toBeLessThanOrEqual(naive.oversold.units);
    expect(report.targets.find((t) => t.name === "ours oversells no more than naive")?.met).toBe(true);

    const html = readFileSync(htmlFile, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("data:image/png;base64,");
    for (const shot of ours.screenshots) expect(existsSync(path.join(outDir, "screenshots", shot.file))).toBe(true);
  }, 120_000);
});
