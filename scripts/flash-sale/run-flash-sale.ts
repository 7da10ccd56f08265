import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { planTraffic } from "./plan";
import { renderReportHtml } from "./report-html";
import { reportSchema, type FlashSaleReport, type ModeReport } from "./report-schema";
import { runMode } from "./run-mode";
import type { Scenario } from "./scenario";

/**
 * A whole flash-sale run: the same planned traffic through `ours` and then `naive`, each on a
 * fresh stack, then the report (JSON + one self-contained HTML page) and the targets checked.
 */
export interface FlashSaleOptions {
  scenario: Scenario;
  modes: readonly ("ours" | "naive")[];
  root: string;
  outDir: string;
  log: (line: string) => void;
}

export async function runFlashSale(opts: FlashSaleOptions): Promise<{ report: FlashSaleReport; jsonFile: string; htmlFile: string }> {
  mkdirSync(opts.outDir, { recursive: true });
  const plan = planTraffic(opts.scenario);
  const modes: FlashSaleReport["modes"] = {};
  for (const mode of opts.modes) modes[mode] = await runMode({ mode, scenario: opts.scenario, plan, root: opts.root, outDir: opts.outDir, log: opts.log });
  const report = reportSchema.parse({
    scenario: {
      name: opts.scenario.name,
      description: opts.scenario.description,
      seed: opts.scenario.seed,
      durationSec: opts.scenario.durationSec,
      timeCompression: opts.scenario.timeCompression,
      skus: opts.scenario.skus.map((s) => s.sku),
    },
    generatedAt: new Date().toISOString(),
    modes,
    targets: checkTargets(modes.ours, modes.naive),
  });
  const jsonFile = path.join(opts.outDir, "report.json");
  const htmlFile = path.join(opts.outDir, "report.html");
  writeFileSync(jsonFile, JSON.stringify(report, null, 2));
  writeFileSync(htmlFile, renderReportHtml(report, screenshotImages(report, path.join(opts.outDir, "screenshots"))));
  return { report, jsonFile, htmlFile };
}

/** The claims of the issue, checked on this run's numbers. */
export function checkTargets(ours: ModeReport | undefined, naive: ModeReport | undefined): FlashSaleReport["targets"] {
  const targets: FlashSaleReport["targets"] = [];
  if (ours) {
    targets.push({
      name: "ours oversells no unit its buffers could have prevented",
      met: ours.buffer.preventableUnits === 0,
      detail: `${ours.oversold.units} oversold; ${ours.buffer.permittedUnits} within the propagation-window bound, ${ours.buffer.preventableUnits} beyond it`,
    });
    targets.push({
      name: "ours never exceeds Shopify's bucket",
      met: ours.shopify.throttled === 0 && ours.shopify.peakBucket <= ours.shopify.bucketSize,
      detail: `peak ${ours.shopify.peakBucket} of ${ours.shopify.bucketSize} points, ${ours.shopify.throttled} THROTTLED, ${ours.shopify.adminCalls} Admin calls`,
    });
    const idle = ours.stockApi?.idle.p99 ?? null;
    const load = ours.stockApi?.load.p99 ?? null;
    targets.push({
      name: "/api/stock p99 under load within 2× its idle p99",
      met: idle !== null && load !== null && load <= 2 * idle,
      detail: idle !== null && load !== null ? `idle p99 ${idle} ms, under load p99 ${load} ms (${(load / idle).toFixed(2)}×)` : "not measured",
    });
  }
  if (ours && naive) {
    targets.push({
      name: "ours oversells no more than naive",
      met: ours.oversold.units <= naive.oversold.units,
      detail: `ours ${ours.oversold.units} units, naive ${naive.oversold.units} units`,
    });
    targets.push({
      name: "naive oversells on the same traffic",
      met: naive.oversold.units > 0,
      detail: `naive ${naive.oversold.units} units in ${naive.oversold.orders} orders`,
    });
  }
  return targets;
}

function screenshotImages(report: FlashSaleReport, dir: string): Map<string, string> {
  const images = new Map<string, string>();
  for (const mode of [report.modes.ours, report.modes.naive]) {
    for (const shot of mode?.screenshots ?? []) {
      const file = path.join(dir, shot.file);
      if (existsSync(file)) images.set(shot.file, `data:image/png;base64,${readFileSync(file).toString("base64")}`);
    }
  }
  return images;
}
