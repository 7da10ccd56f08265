import { nonFiniteNumbers } from "../bench/bench-checks";
import type { FlashSaleReport, ModeReport } from "./report-schema";
import type { Scenario } from "./scenario";

/**
 * What a flash-sale run should have measured and did not: a mode that saw no sale, no badge
 * read, no timing has a report of zeros that reads like a perfect score. Empty: all measured.
 * Targets missed are findings, not this: they are printed, and the run still counts.
 */
export function unmeasured(report: FlashSaleReport, scenario: Scenario): string[] {
  const problems: string[] = [];
  for (const mode of ["ours", "naive"] as const) {
    const m = report.modes[mode];
    if (!m) continue;
    const missing = [...common(m, scenario), ...(mode === "ours" ? oursOnly(m, scenario) : [])];
    if (missing.length > 0) problems.push(`${mode} measured nothing for ${missing.join(", ")}`);
  }
  const bad = nonFiniteNumbers(report);
  if (bad.length > 0) problems.push(`not a number: ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ` and ${bad.length - 5} more` : ""}`);
  return problems;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function common(m: ModeReport, scenario: Scenario): string[] {
  const missing: string[] = [];
  if (sum(Object.values(m.traffic.attempts)) === 0) missing.push("sale attempts");
  if (sum(Object.values(m.traffic.accepted).map((a) => a.orders)) === 0) missing.push("accepted sales");
  if (scenario.shoppers.watchers > 0 && m.badge.reads === 0) missing.push("badge reads");
  if (m.drift.length === 0) missing.push("phantom units over time");
  return missing;
}

function oursOnly(m: ModeReport, scenario: Scenario): string[] {
  const missing: string[] = [];
  if (!m.stockApi || m.stockApi.idle.count === 0) missing.push("/api/stock idle latency");
  if (scenario.shoppers.watchers > 0 && (!m.stockApi || m.stockApi.load.count === 0)) missing.push("/api/stock latency under load");
  if (!m.webhookAckMs || m.webhookAckMs.count === 0) missing.push("webhook acks");
  if (m.propagationMs.shopify.count + m.propagationMs.marketplace.count === 0) missing.push("sale → channel propagation");
  return missing;
}
