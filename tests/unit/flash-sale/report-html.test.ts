import { describe, expect, it } from "vitest";
import { renderReportHtml } from "@/scripts/flash-sale/report-html";
import { reportSchema, type FlashSaleReport, type ModeReport } from "@/scripts/flash-sale/report-schema";
import { escapeHtml, niceTicks } from "@/scripts/flash-sale/svg-charts";

const HOSTILE = `<img src=x onerror=alert(1)>`;
const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const summary = (p50: number, count = 10) => ({ count, p50, p95: p50 * 2, p99: p50 * 3, max: p50 * 4 });
const perChannel = <T>(shopify: T, marketplace: T, pos: T) => ({ shopify, marketplace, pos });

function mode(name: "ours" | "naive", o: { oversoldUnits: number; oversoldOrders: number; incidents: number; stockApi: boolean }): ModeReport {
  return {
    mode: name,
    realDurationMs: 180_000,
    traffic: {
      attempts: perChannel(400, 120, 30),
      accepted: perChannel({ units: 350, orders: 300 }, { units: 100, orders: 90 }, { units: 25, orders: 20 }),
      refused: perChannel(100, 30, 10),
      browser: { shoppers: 4, ordered: 3, refused: 1, sawSoldOut: 1, failed: 0 },
      restockedUnits: 50,
    },
    oversold: {
      units: o.oversoldUnits,
      orders: o.oversoldOrders,
      byChannel: perChannel({ units: o.oversoldUnits, orders: o.oversoldOrders }, { units: 0, orders: 0 }, { units: 0, orders: 0 }),
    },
    buffer: { windowMs: 1500, permittedUnits: 2, preventableUnits: name === "ours" ? 0 : o.oversoldUnits, explanation: `Explanation for ${name} & <b>co</b>` },
    incidents: Array.from({ length: o.incidents }, (_, i) => ({
      orderId: `${name}-order-${i}`,
      channel: "shopify" as const,
      sku: "TEE-BLK-M",
      units: 1,
      acceptedAtMs: i * 100,
      detectMs: 40 + i,
      recoverMs: i % 2 ? null : 900.4 + i,
      outcome: "refunded",
    })),
    detectMs: summary(41),
    recoverMs: summary(950),
    badge: { reads: 2000, staleReads: 37, staleShare: 0.0185 },
    stockApi: o.stockApi ? { idle: summary(4), load: summary(18) } : null,
    webhookAckMs: o.stockApi ? summary(3) : null,
    propagationMs: { shopify: summary(700), marketplace: summary(1200) },
    shopify: { adminCalls: 120, mutations: 80, throttled: 2, peakBucket: 30, bucketSize: 40 },
    drift: Array.from({ length: 20 }, (_, i) => ({ tMs: i * 9000, shopify: name === "ours" ? 0 : i, marketplace: name === "ours" ? i % 2 : 2 * i })),
    screenshots: [
      { label: `${name} PDP badge`, file: `${name}-pdp.png` },
      { label: `${name} cart`, file: `${name}-cart.png` },
    ],
  };
}

function makeReport(modes: { ours?: ModeReport; naive?: ModeReport }): FlashSaleReport {
  return reportSchema.parse({
    scenario: { name: "drop-friday", description: HOSTILE, seed: 42, durationSec: 1800, timeCompression: 10, skus: ["TEE-BLK-M", "TEE-WHT-L"] },
    generatedAt: "2026-05-01T12:00:00.000Z",
    modes,
    targets: [
      { name: "zero preventable oversell", met: true, detail: "0 units" },
      { name: "badge stale share < 1%", met: false, detail: "1.9% stale" },
    ],
  });
}

const ours = mode("ours", { oversoldUnits: 3, oversoldOrders: 2, incidents: 2, stockApi: true });
const naive = mode("naive", { oversoldUnits: 47, oversoldOrders: 31, incidents: 73, stockApi: false });
const images = new Map([
  ["ours-pdp.png", PNG],
  ["naive-pdp.png", PNG],
]);

/** The markup of one <section id="…">. */
const sectionOf = (html: string, id: string) => {
  const m = new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html);
  expect(m, `section ${id}`).not.toBeNull();
  return m![0];
};
const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, "g")) ?? []).length;

describe("renderReportHtml", () => {
  const html = renderReportHtml(makeReport({ ours, naive }), images);

  it("is one self-contained document", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/url\(/i);
    expect(count(html, /<main>/)).toBe(1);
  });

  it("escapes report strings", () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<b>co</b>");
    expect(html).toContain("Explanation for ours &amp; &lt;b&gt;co&lt;/b&gt;");
    expect(escapeHtml(`"'&<>`)).toBe("&quot;&#39;&amp;&lt;&gt;");
  });

  it("keeps sections in the specified order", () => {
    const order = ["targets", "oversold", "drift", "incidents", "badge", "latency", "traffic", "screenshots"].map((id) => html.indexOf(`<section id="${id}"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("shows each mode's oversold totals", () => {
    const s = sectionOf(html, "oversold");
    expect(s).toMatch(/<strong>ours<\/strong>: 3 units oversold in 2 orders/);
    expect(s).toMatch(/<strong>naive<\/strong>: 47 units oversold in 31 orders/);
    expect(s).toMatch(/<svg[^>]*role="img"[^>]*aria-label="[^"]*naive 47/);
  });

  it("marks an unmet target in text", () => {
    const s = sectionOf(html, "targets");
    expect(s).toMatch(/badge stale share &lt; 1%<\/th><td><span class="unmet">✗ NOT met<\/span>/);
    expect(s).toMatch(/zero preventable oversell<\/th><td><span class="met">✓ met<\/span>/);
    expect(s).toContain("1 of 2");
  });

  it("draws one line per mode and channel in the drift chart", () => {
    const s = sectionOf(html, "drift");
    expect(count(s, /<svg /)).toBe(1);
    expect(s).toMatch(/<svg[^>]*role="img"[^>]*aria-label="[^"]+"/);
    expect(s).toMatch(/<svg[^>]*>\s*<title>/);
    expect(count(s, /<polyline /)).toBe(4);
    // naive marketplace peaks at 38 phantom units; the summary says so.
    expect(s).toContain("naive · marketplace: 20 samples, peak 38 at 171");
  });

  it("caps the incidents table at 50 rows and says what was left out", () => {
    const s = sectionOf(html, "incidents");
    expect(count(s, /naive-order-\d+</)).toBe(50);
    expect(s).toContain("… 23 more incidents not shown.");
    expect(s).toContain("never");
    expect(s).toContain("900 ms"); // ms rounded, no decimals
  });

  it("formats shares as percentages and latency as whole ms", () => {
    expect(sectionOf(html, "badge")).toContain("1.9%");
    const s = sectionOf(html, "latency");
    expect(s).toContain("/api/stock latency not measured in this mode.");
    expect(s).toMatch(/<meter min="0" max="40" value="30"/);
    expect(s).toContain("2,400 ms"); // propagation p95 to marketplace
  });

  it("embeds screenshots as data URIs and flags missing ones", () => {
    const s = sectionOf(html, "screenshots");
    expect(s).toContain(`<img src="${PNG}" alt="ours PDP badge">`);
    expect(count(s, /screenshot missing/g)).toBeGreaterThanOrEqual(2);
    expect(s).toMatch(/naive cart — screenshot missing/);
  });

  it("refuses image URIs that would load from elsewhere", () => {
    const out = renderReportHtml(makeReport({ ours }), new Map([["ours-pdp.png", "https://evil.example/x.png"]]));
    expect(out).not.toContain("evil.example");
    expect(out).toContain("ours PDP badge — screenshot missing");
  });

  it("renders with only ours present", () => {
    const out = renderReportHtml(makeReport({ ours }), images);
    expect(out).not.toContain("naive");
    expect(count(sectionOf(out, "drift"), /<polyline /)).toBe(2);
    expect(sectionOf(out, "oversold")).toMatch(/<strong>ours<\/strong>: 3 units oversold in 2 orders/);
    expect(sectionOf(out, "latency")).toMatch(/<svg[^>]*role="img"/);
  });

  it("renders an empty report without throwing", () => {
    const out = renderReportHtml(makeReport({}), new Map());
    expect(out).toContain("The report holds no mode results.");
  });
});

describe("niceTicks", () => {
  it("covers the maximum with round steps from 0", () => {
    expect(niceTicks(47)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(0, 5, 1)).toEqual([0, 1]);
    expect(niceTicks(171)).toEqual([0, 50, 100, 150, 200]);
  });
});
