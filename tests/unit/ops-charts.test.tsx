import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DriftChart, MAX_BARS } from "@/app/ops/components/drift-chart";
import { FlowDiagram } from "@/app/ops/components/flow-diagram";
import { GaugeBar } from "@/app/ops/components/gauge-bar";
import { Sparkline } from "@/app/ops/components/sparkline";
import { FLOW_NODES } from "@/lib/ops/read-overview";
import type { DriftPoint, FlowEdge, FlowGraph, Gauge } from "@/lib/ops/types";

const count = (html: string, re: RegExp) => (html.match(new RegExp(re.source, "g")) ?? []).length;
const attr = (html: string, tag: string, name: string) => new RegExp(`<${tag}[^>]*\\b${name}="([^"]*)"`).exec(html)?.[1];

const edge = (e: Partial<FlowEdge> & Pick<FlowEdge, "id" | "from" | "to">): FlowEdge => ({
  label: e.id,
  kind: "webhook",
  perMinute: 1,
  lagMs: null,
  series: [1, 2, 3],
  ...e,
});

const graph: FlowGraph = {
  windowMinutes: 15,
  nodes: FLOW_NODES,
  edges: [
    edge({ id: "wms-in", from: "wms", to: "stock-layer", label: "signed webhooks", perMinute: 12.34, lagMs: 140, series: [10, 12, 15] }),
    edge({ id: "shopify-in", from: "shopify", to: "stock-layer", label: "orders/create", perMinute: 4, lagMs: 1830 }),
    edge({ id: "shopify-out", from: "stock-layer", to: "shopify", label: "inventorySetQuantities", kind: "write", perMinute: 3.5, lagMs: 220 }),
    edge({ id: "mkt-in", from: "marketplace", to: "stock-layer", label: "marketplace feed", perMinute: 0, series: [0, 0, 0] }),
    edge({ id: "mkt-out", from: "stock-layer", to: "marketplace", label: "listing stock", kind: "write", perMinute: 0.5 }),
    edge({ id: "pos-in", from: "pos", to: "stock-layer", label: "till sales", perMinute: 2 }),
    edge({ id: "erp-read", from: "erp", to: "stock-layer", label: "nightly export", kind: "read", perMinute: 0.1 }),
    edge({ id: "pdp-read", from: "storefront", to: "stock-layer", label: "stock reads", kind: "read", perMinute: 480, lagMs: 9 }),
    edge({ id: "drain", from: "cron", to: "stock-layer", label: "drain cron", kind: "cron", perMinute: 1 }),
  ],
};

describe("FlowDiagram", () => {
  const html = renderToStaticMarkup(<FlowDiagram graph={graph} />);

  it("draws one box per system and one path per flow", () => {
    expect(count(html, /<g data-node="/)).toBe(graph.nodes.length);
    expect(count(html, /<path data-edge="/)).toBe(graph.edges.length);
    for (const n of graph.nodes) expect(html).toContain(`data-node="${n.id}"`);
    for (const e of graph.edges) expect(html).toContain(`data-edge="${e.id}"`);
    // Shopify is both a source and a target, but it is drawn once.
    expect(count(html, /data-node="shopify"/)).toBe(1);
  });

  it("labels each arrow with its name, formatted throughput and lag", () => {
    expect(html).toContain("signed webhooks");
    expect(html).toContain("12.3/min · lag 140 ms");
    expect(html).toContain("4.0/min · lag 1.8 s");
    expect(html).toContain("480/min · lag 9 ms");
    expect(html).toContain("0.5/min · lag —");
  });

  it("dashes idle edges only, and scales width by throughput", () => {
    const path = (id: string) => new RegExp(`<path data-edge="${id}"[^>]*>`).exec(html)?.[0] ?? "";
    expect(path("mkt-in")).toContain('stroke-dasharray="6 5"');
    expect(path("mkt-in")).toContain('data-idle="true"');
    expect(path("wms-in")).not.toContain("stroke-dasharray");
    const width = (id: string) => Number(/stroke-width="([\d.]+)"/.exec(path(id))?.[1]);
    expect(width("pdp-read")).toBeGreaterThan(width("wms-in"));
    expect(width("wms-in")).toBeGreaterThan(width("erp-read"));
  });

  it("draws the two directions between the same systems apart, not on top of each other", () => {
    const d = (id: string) => /<path data-edge="[^"]*"[^>]*\bd="([^"]*)"/.exec(html.slice(html.indexOf(`data-edge="${id}"`) - 6))?.[1] ?? "";
    const startY = (path: string) => Number(/^M[\d.]+,([\d.]+)/.exec(path)?.[1]);
    const endY = (path: string) => Number(/ ([\d.]+),([\d.]+)$/.exec(path)?.[2]);
    expect(Math.abs(startY(d("shopify-in")) - endY(d("shopify-out")))).toBeGreaterThan(20);
  });

  it("is an accessible image with a summary and a hidden table of flows", () => {
    expect(html).toMatch(/<svg[^>]*role="img"/);
    expect(attr(html, "svg", "aria-label")).toBe("Data flow over the last 15 minutes: 8 systems, 9 flows (8 active, 1 idle).");
    expect(html).toContain("<title>Stock data flow</title>");
    expect(html).toMatch(/<desc>[^<]*WMS \/ 3PL → Stock layer: signed webhooks \(webhook\), 12\.3\/min, lag 140 ms\./);
    expect(html).toContain('<table class="sr-only">');
    expect(count(html, /<tr>/)).toBe(graph.edges.length + 1);
    // Each arrow carries a sparkline of its series.
    expect(html).toContain('aria-label="signed webhooks per minute: 3 points, peak 15, latest 15"');
  });

  it("copes with a subset, with endpoints missing from nodes, and with no edges", () => {
    const partial = renderToStaticMarkup(
      <FlowDiagram graph={{ windowMinutes: 5, nodes: [{ id: "pos", label: "POS", role: "" }], edges: [edge({ id: "x", from: "pos", to: "erp" })] }} />,
    );
    expect(count(partial, /<g data-node="/)).toBe(2);
    expect(count(partial, /<path data-edge="/)).toBe(1);
    expect(partial).not.toContain("NaN");
    const empty = renderToStaticMarkup(<FlowDiagram graph={{ windowMinutes: 5, nodes: [], edges: [] }} />);
    expect(empty).toContain("0 systems, 0 flows");
    expect(empty).not.toContain("NaN");
  });

  it("never emits NaN or Infinity in the full drawing", () => {
    expect(html).not.toMatch(/NaN|Infinity/);
  });
});

describe("DriftChart", () => {
  const channels = ["shopify", "marketplace", "pos"];
  const t0 = new Date(2026, 0, 5, 8, 0).getTime();

  it("buckets 20,000 points into at most 120 bars and keeps the totals", () => {
    const points: DriftPoint[] = Array.from({ length: 20_000 }, (_, i) => ({
      at: t0 + i * 6_000, // ~33 hours of passes
      channel: channels[i % 3] ?? "pos",
      checked: 100,
      drifted: i % 5,
      absDrift: i % 7,
      corrected: i % 2,
    }));
    const html = renderToStaticMarkup(<DriftChart points={points} />);
    const bars = count(html, /<g data-bucket="/);
    expect(bars).toBeGreaterThan(10);
    expect(bars).toBeLessThanOrEqual(MAX_BARS);
    const total = points.reduce((s, p) => s + p.absDrift, 0);
    const fixed = points.reduce((s, p) => s + p.corrected, 0);
    expect(attr(html, "svg", "aria-label")).toContain(`total absolute drift ${total} across marketplace, pos, shopify; ${fixed} corrected`);
    expect(html).toContain('data-series="corrected"');
    // 33 hours: tick labels carry the day as well as HH:MM.
    expect(html).toMatch(/>\d{1,2}\/\d{1,2} \d\d:\d\d</);
    expect(html).not.toMatch(/NaN|Infinity/);
  });

  it("uses one-minute buckets for a short run and labels times as HH:MM", () => {
    const points: DriftPoint[] = [0, 1, 2].flatMap((m) =>
      channels.map((channel) => ({ at: t0 + m * 60_000 + 5_000, channel, checked: 10, drifted: 1, absDrift: 2, corrected: 1 })),
    );
    const html = renderToStaticMarkup(<DriftChart points={points} />);
    expect(count(html, /<g data-bucket="/)).toBe(3);
    expect(html).toContain("1-minute buckets");
    expect(html).toMatch(/>08:00</);
    expect(html).toContain("08:01: drift 6, corrected 3");
    // Legend and hidden table name each channel.
    for (const c of channels) expect(html).toContain(`${c} drift`);
    expect(html).toContain('<table class="sr-only">');
  });

  it("shows the empty state when nothing has been measured", () => {
    const html = renderToStaticMarkup(<DriftChart points={[]} />);
    expect(html).toContain("No drift measured yet — run a reconciliation pass.");
    expect(html).not.toContain("<svg");
  });
});

describe("GaugeBar", () => {
  const render = (gauge: Gauge) => renderToStaticMarkup(<GaugeBar gauge={gauge} />);

  it("exposes meter semantics and the value / max text", () => {
    const html = render({ label: "API budget", value: 400, max: 1000, unit: "points" });
    expect(html).toContain('role="meter"');
    expect(attr(html, "div", "aria-valuenow")).toBe("400");
    expect(html).toContain('aria-valuemax="1000"');
    expect(html).toContain('aria-valuemin="0"');
    expect(html).toContain("400 / 1,000 points");
    expect(html).toContain('data-level="ok"');
    expect(html).toContain("bg-emerald-500");
    expect(html).toContain("width:40.0%");
  });

  it("turns amber, then red above 90 %", () => {
    expect(render({ label: "Queue", value: 80, max: 100, unit: "events" })).toContain("bg-amber-500");
    const red = render({ label: "Queue", value: 95, max: 100, unit: "events" });
    expect(red).toContain("bg-red-600");
    expect(red).toContain('data-level="critical"');
    const over = render({ label: "Queue", value: 150, max: 100, unit: "events" });
    expect(over).toContain('aria-valuenow="100"');
    expect(over).toContain("150 / 100 events");
    expect(over).toContain("width:100.0%");
  });
});

describe("Sparkline", () => {
  it("draws a line for values and a placeholder for none", () => {
    const html = renderToStaticMarkup(<Sparkline values={[1, 4, 2]} label="Webhooks" />);
    expect(html).toContain("<polyline");
    expect(html).toContain('aria-label="Webhooks: 3 points, peak 4, latest 2"');
    const none = renderToStaticMarkup(<Sparkline values={[]} label="Webhooks" />);
    expect(none).not.toContain("<polyline");
    expect(none).toContain("no data yet");
  });
});
