/**
 * Tiny inline-SVG chart builders for the flash-sale HTML report. The report must be one
 * self-contained file (no chart library, no external assets), so these return SVG markup as
 * strings. Every chart carries role="img" plus a <title>/aria-label that states the numbers,
 * so a screen reader gets the data, not just "chart".
 */

import { escapeHtml } from "@/lib/escape-html";

export { escapeHtml };

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** Whole number with thousands separators ("1,234"); "—" for anything not finite. */
export function formatInt(n: number): string {
  return Number.isFinite(n) ? numberFormat.format(n) : "—";
}

/** Round 1/2/5 × 10^k ticks from 0 up to at least `max` (so bars and lines never clip). */
export function niceTicks(max: number, target = 5, minStep = 0): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = Math.max(top / target, minStep);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const count = Math.ceil(top / step - 1e-9);
  // toPrecision trims float noise, so a tick reads 0.3, not 0.30000000000000004.
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

const tickLabel = (n: number) => (Number.isInteger(n) ? formatInt(n) : decimalFormat.format(n));
const r1 = (n: number) => Math.round(n * 10) / 10;
/** Rough text width for 12px system-ui, enough to lay out legends without measuring. */
const textWidth = (text: string) => text.length * 7;

export interface ChartSeries {
  name: string;
  color: string;
  /** SVG stroke-dasharray, so series differ by more than colour. */
  dash?: string;
}

/** One row of legend swatches across the top of a chart, wrapping when it runs out of width. */
function legend(series: readonly ChartSeries[], width: number, left: number, asLine: boolean): { svg: string; height: number } {
  let [x, y] = [left, 14];
  const parts: string[] = [];
  for (const s of series) {
    const w = 26 + textWidth(s.name) + 16;
    if (x + w > width && x > left) [x, y] = [left, y + 18];
    const swatch = asLine
      ? `<line x1="${x}" y1="${y - 4}" x2="${x + 20}" y2="${y - 4}" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`
      : `<rect x="${x + 4}" y="${y - 10}" width="12" height="12" rx="2" fill="${s.color}"/>`;
    parts.push(`${swatch}<text x="${x + 26}" y="${y}">${escapeHtml(s.name)}</text>`);
    x += w;
  }
  return { svg: `<g class="legend">${parts.join("")}</g>`, height: y + 10 };
}

const svgOpen = (width: number, height: number, label: string, cls: string) =>
  `<svg class="chart ${cls}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>`;

export interface BarGroup {
  label: string;
  /** One value per series, in series order; null = not measured (no bar drawn). */
  values: readonly (number | null)[];
}

export interface BarChartOptions {
  title: string;
  series: readonly ChartSeries[];
  groups: readonly BarGroup[];
  /** How values read next to the bars and in the accessible summary. */
  format: (n: number) => string;
  axisLabel: string;
  width?: number;
}

/** Horizontal grouped bars: one group per category, one bar per series, value printed at the bar's end. */
export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 720;
  const [labelW, valueW, barH, barGap, groupGap] = [130, 80, 14, 3, 12];
  const head = legend(o.series, width, labelW, false);
  const plotW = width - labelW - valueW;
  const max = Math.max(0, ...o.groups.flatMap((g) => g.values.map((v) => v ?? 0)));
  const ticks = niceTicks(max, 5, Number.isInteger(max) ? 1 : 0);
  const xMax = ticks[ticks.length - 1]!;
  const groupH = o.series.length * (barH + barGap) - barGap;
  const top = head.height + 8;
  const plotH = o.groups.length * (groupH + groupGap) - groupGap;
  const height = top + plotH + 40;
  const x = (v: number) => r1(labelW + (v / xMax) * plotW);

  const grid = ticks
    .map(
      (t) =>
        `<line class="grid" x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${top + plotH}"/><text class="tick" x="${x(t)}" y="${top + plotH + 14}" text-anchor="middle">${tickLabel(t)}</text>`,
    )
    .join("");
  const bars = o.groups
    .map((g, gi) => {
      const gy = top + gi * (groupH + groupGap);
      const rows = o.series.map((s, si) => {
        const v = g.values[si] ?? null;
        const y = gy + si * (barH + barGap);
        const text = v === null ? "n/a" : o.format(v);
        const w = v === null ? 0 : Math.max(v > 0 ? 1 : 0, x(v) - labelW);
        return `<rect x="${labelW}" y="${y}" width="${r1(w)}" height="${barH}" fill="${s.color}"/><text class="value" x="${labelW + r1(w) + 4}" y="${y + barH - 3}">${escapeHtml(text)}</text>`;
      });
      return `<text class="group" x="${labelW - 8}" y="${gy + groupH / 2 + 4}" text-anchor="end">${escapeHtml(g.label)}</text>${rows.join("")}`;
    })
    .join("");
  const summary = `${o.title}. ${o.groups.map((g) => `${g.label}: ${o.series.map((s, i) => `${s.name} ${g.values[i] == null ? "n/a" : o.format(g.values[i]!)}`).join(", ")}`).join("; ")}.`;
  const axis = `<line class="axis" x1="${labelW}" y1="${top}" x2="${labelW}" y2="${top + plotH}"/><text class="axis-label" x="${labelW + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(o.axisLabel)}</text>`;
  return `${svgOpen(width, height, summary, "bar-chart")}${head.svg}${grid}${bars}${axis}</svg>`;
}

export interface LineSeries extends ChartSeries {
  points: readonly (readonly [x: number, y: number])[];
}

export interface LineChartOptions {
  title: string;
  series: readonly LineSeries[];
  xLabel: string;
  yLabel: string;
  /** Scale for x tick labels and the summary, e.g. ms → s. */
  xScale?: number;
  width?: number;
  height?: number;
}

/** Line chart on a shared 0-based scale: one <polyline> per series, ticks on both axes, legend on top. */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 720;
  const xScale = o.xScale ?? 1;
  const head = legend(o.series, width, 56, true);
  const [left, right, top, bottom] = [56, 16, head.height + 10, 44];
  const height = (o.height ?? 260) + head.height;
  const [plotW, plotH] = [width - left - right, height - top - bottom];
  const all = o.series.flatMap((s) => s.points);
  const xTicks = niceTicks(Math.max(0, ...all.map((p) => p[0] / xScale)), 6);
  const yTicks = niceTicks(Math.max(0, ...all.map((p) => p[1])), 5, 1);
  const [xMax, yMax] = [xTicks[xTicks.length - 1]! * xScale, yTicks[yTicks.length - 1]!];
  const px = (v: number) => r1(left + (v / xMax) * plotW);
  const py = (v: number) => r1(top + plotH - (v / yMax) * plotH);

  const grid =
    yTicks
      .map(
        (t) =>
          `<line class="grid" x1="${left}" y1="${py(t)}" x2="${left + plotW}" y2="${py(t)}"/><text class="tick" x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${tickLabel(t)}</text>`,
      )
      .join("") + xTicks.map((t) => `<text class="tick" x="${px(t * xScale)}" y="${top + plotH + 16}" text-anchor="middle">${tickLabel(t)}</text>`).join("");
  const axes =
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}"/><line class="axis" x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}"/>` +
    `<text class="axis-label" x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>` +
    `<text class="axis-label" transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`;
  const lines = o.series
    .map((s) => {
      const pts = s.points.map(([x, y]) => `${px(x)},${py(y)}`).join(" ");
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""} points="${pts}"><title>${escapeHtml(s.name)}</title></polyline>`;
    })
    .join("");
  const describe = (s: LineSeries) => {
    if (!s.points.length) return `${s.name}: no samples`;
    const peak = s.points.reduce((a, b) => (b[1] > a[1] ? b : a));
    return `${s.name}: ${s.points.length} samples, peak ${tickLabel(peak[1])} at ${tickLabel(Math.round(peak[0] / xScale))}`;
  };
  const summary = `${o.title} (${o.yLabel} against ${o.xLabel}). ${o.series.map(describe).join("; ")}.`;
  return `${svgOpen(width, height, summary, "line-chart")}${head.svg}${grid}${axes}${lines}</svg>`;
}
