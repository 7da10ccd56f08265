import { describe, expect, it } from "vitest";
import { unmeasured } from "@/scripts/flash-sale/report-checks";
import type { FlashSaleReport, ModeReport } from "@/scripts/flash-sale/report-schema";
import { loadScenario } from "@/scripts/flash-sale/scenario";

/** A flash-sale run that measured nothing must not read like a perfect score (issue 20). */
const scenario = loadScenario("smoke");
const timings = (count: number) => ({ count, p50: count ? 5 : null, p95: count ? 9 : null, p99: count ? 12 : null, max: count ? 20 : null });
const each = <T>(value: T) => ({ shopify: value, marketplace: value, pos: value });

function measuredMode(mode: "ours" | "naive"): ModeReport {
  const zero = { units: 0, orders: 0 };
  return {
    mode,
    realDurationMs: 10_000,
    traffic: {
      attempts: each(5),
      accepted: each({ units: 2, orders: 2 }),
      refused: each(0),
      browser: { shoppers: 1, ordered: 1, refused: 0, sawSoldOut: 0, failed: 0 },
      restockedUnits: 3,
    },
    oversold: { ...zero, byChannel: each(zero) },
    buffer: { windowMs: 100, permittedUnits: 0, preventableUnits: 0, explanation: "" },
    incidents: [],
    detectMs: timings(0),
    recoverMs: timings(0),
    badge: { reads: 40, staleReads: 0, staleShare: 0 },
    stockApi: mode === "ours" ? { idle: timings(30), load: timings(40) } : null,
    webhookAckMs: mode === "ours" ? timings(25) : null,
    propagationMs: { shopify: timings(6), marketplace: timings(4) },
    shopify: { adminCalls: 10, mutations: 6, throttled: 0, peakBucket: 100, bucketSize: 2000 },
    drift: [{ tMs: 0, shopify: 0, marketplace: 0 }],
    screenshots: [],
  };
}

const report = (modes: FlashSaleReport["modes"]): FlashSaleReport => ({
  scenario: { name: "smoke", description: "", seed: 7, durationSec: 600, timeCompression: 60, skus: ["DWN-BLK-M"] },
  generatedAt: "2026-05-01T12:00:00.000Z",
  modes,
  targets: [],
});

describe("flash-sale report: measured or refused", () => {
  it("passes a run in which both modes measured what they report", () => {
    expect(unmeasured(report({ ours: measuredMode("ours"), naive: measuredMode("naive") }), scenario)).toEqual([]);
  });

  it("names what a mode measured nothing for", () => {
    const ours = measuredMode("ours");
    const empty: ModeReport = {
      ...ours,
      traffic: { ...ours.traffic, accepted: each({ units: 0, orders: 0 }) },
      badge: { reads: 0, staleReads: 0, staleShare: 0 },
      stockApi: { idle: timings(30), load: timings(0) },
      webhookAckMs: timings(0),
      propagationMs: { shopify: timings(0), marketplace: timings(0) },
    };
    expect(unmeasured(report({ ours: empty, naive: measuredMode("naive") }), scenario)).toEqual([
      "ours measured nothing for accepted sales, badge reads, /api/stock latency under load, webhook acks, sale → channel propagation",
    ]);
    // Naive has no stock API or acks of ours to time: their absence there is no gap.
    expect(unmeasured(report({ naive: { ...measuredMode("naive"), drift: [] } }), scenario)).toEqual(["naive measured nothing for phantom units over time"]);
  });

  it("refuses a NaN anywhere in the report", () => {
    const ours = measuredMode("ours");
    expect(unmeasured(report({ ours: { ...ours, badge: { ...ours.badge, staleShare: NaN } } }), scenario)).toEqual([
      "not a number: modes.ours.badge.staleShare",
    ]);
  });
});
