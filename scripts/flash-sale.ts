import path from "node:path";
import { parseArgs } from "node:util";
import { unmeasured } from "./flash-sale/report-checks";
import { runFlashSale } from "./flash-sale/run-flash-sale";
import { loadScenario } from "./flash-sale/scenario";

/**
 * `npm run flash-sale -- <scenario> [--mode ours|naive|both] [--out DIR]`
 * Runs the scenario (shipped: default, black-friday, smoke, thin-buffers-1, thin-buffers-2; or a JSON file) through our
 * pipeline and the naive setup on identical seeded traffic; writes report.json + report.html.
 */
const root = path.resolve(import.meta.dirname, "..");
const { positionals, values } = parseArgs({ allowPositionals: true, options: { mode: { type: "string", default: "both" }, out: { type: "string" } } });
const name = positionals[0] ?? "default";
const modeArg = values.mode;
const modes: ("ours" | "naive")[] | null = modeArg === "both" ? ["ours", "naive"] : modeArg === "ours" || modeArg === "naive" ? [modeArg] : null;
if (!modes) {
  console.error(`error: --mode must be ours, naive or both (got ${values.mode})`);
  process.exit(2);
}
try {
  const scenario = loadScenario(name);
  const outDir = path.resolve(values.out ?? path.join(root, "test-results", "flash-sale", scenario.name));
  const started = Date.now();
  const { report, jsonFile, htmlFile } = await runFlashSale({ scenario, modes, root, outDir, log: (line) => console.log(`[flash-sale] ${line}`) });
  console.log(`\n  Flash sale "${scenario.name}" (seed ${scenario.seed}) in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  for (const mode of modes) {
    const m = report.modes[mode];
    if (!m) continue;
    console.log(
      `  ${mode.padEnd(5)}  oversold ${m.oversold.units} units / ${m.oversold.orders} orders (shopify ${m.oversold.byChannel.shopify.units}, marketplace ${m.oversold.byChannel.marketplace.units}, pos ${m.oversold.byChannel.pos.units})` +
        `  ·  stale badges ${(m.badge.staleShare * 100).toFixed(1)}% of ${m.badge.reads}  ·  propagation p95 → Shopify ${m.propagationMs.shopify.p95 ?? "–"} ms, → marketplace ${m.propagationMs.marketplace.p95 ?? "–"} ms`,
    );
  }
  console.log("");
  for (const t of report.targets) console.log(`  ${t.met ? "✓" : "✗"} ${t.name}: ${t.detail}`);
  console.log(`\n  ${path.relative(root, jsonFile)}\n  ${path.relative(root, htmlFile)}\n`);
  // The report stays on disk to look into; a run that measured nothing does not pass for one that did.
  const problems = unmeasured(report, scenario);
  if (problems.length > 0) {
    console.error(`error: ${problems.join("; ")}`);
    process.exit(1);
  }
  process.exit(0);
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
