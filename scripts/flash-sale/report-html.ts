import { CHANNELS, type FlashSaleReport, type ModeReport, type Summary } from "./report-schema";
import { barChart, escapeHtml, formatInt, lineChart, type ChartSeries } from "./svg-charts";

/**
 * The flash-sale report as one self-contained HTML file: inline CSS, inline SVG charts, and
 * screenshots as data URIs, so it can be mailed or archived as a CI artifact and still open
 * years later. Everything from report.json is treated as untrusted text and escaped; a CSP
 * meta tag blocks scripts and remote loads as a second line of defence.
 */

type ModeName = "ours" | "naive";
interface Mode extends ChartSeries {
  key: ModeName;
  blurb: string;
  report: ModeReport;
}

// The naive cadences are scenario settings the report does not carry, so the blurb names no numbers.
const MODE_STYLE: Record<ModeName, { blurb: string; color: string }> = {
  ours: { blurb: "real-time stock pipeline", color: "#2563eb" },
  naive: { blurb: "periodic ERP snapshot, marketplace cron, cached PDP stock", color: "#ea580c" },
};

/** The modes the report has, ours first, so every section lists them in the same order. */
function modesOf(report: FlashSaleReport): Mode[] {
  return (["ours", "naive"] as const).flatMap((key) => {
    const mode = report.modes[key];
    return mode ? [{ key, name: key, report: mode, ...MODE_STYLE[key] }] : [];
  });
}

// ---- formatting -------------------------------------------------------------------------

const esc = escapeHtml;
const ms = (n: number | null | undefined) => (n == null ? "—" : `${formatInt(n)} ms`);
// Math.round first: toFixed alone turns 0.0185 into "1.8%" (binary float), not "1.9%".
const pct = (share: number) => (Number.isFinite(share) ? `${(Math.round(share * 1000) / 10).toFixed(1)}%` : "—");

/** "1 h 30 min", "15 min", "45 s": store durations read better in clock units. */
function clock(sec: number): string {
  const [h, m, s] = [Math.floor(sec / 3600), Math.floor((sec % 3600) / 60), Math.round(sec % 60)];
  return [h ? `${h} h` : "", m ? `${m} min` : "", s || (!h && !m) ? `${s} s` : ""].filter(Boolean).join(" ");
}

/** A table cell: plain text (escaped here, so callers cannot forget), a number, or markup we built. */
type Cell = string | number | { html: string };
const cell = (c: Cell) => (typeof c === "number" ? formatInt(c) : typeof c === "string" ? esc(c) : c.html);

/** A table whose first column heads each row. */
function table(caption: string, head: readonly string[], rows: readonly (readonly Cell[])[], cls = ""): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const body = rows.map(([first = "", ...rest]) => `<tr><th scope="row">${cell(first)}</th>${rest.map((c) => `<td>${cell(c)}</td>`).join("")}</tr>`).join("");
  return `<table${cls ? ` class="${cls}"` : ""}><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

type Quantile = "p50" | "p95" | "p99" | "max";
function summaryTable(caption: string, rows: readonly (readonly [string, Summary | null])[], cols: readonly Quantile[]): string {
  const data = rows.map(([label, s]): Cell[] => (s ? [label, s.count, ...cols.map((c) => ms(s[c]))] : [label, "not measured", ...cols.map(() => "—")]));
  return table(caption, ["", "count", ...cols], data, "num");
}

const dl = (items: readonly (readonly [string, Cell])[]) =>
  `<dl class="facts">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${cell(v)}</dd></div>`).join("")}</dl>`;
const section = (id: string, title: string, body: string) =>
  `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
const modeHeading = (m: Mode, level = 3) => `<h${level}>${esc(m.key)} <span class="muted">— ${esc(m.blurb)}</span></h${level}>`;
const perMode = (modes: readonly Mode[], body: (m: Mode) => string, level = 3) =>
  modes.map((m) => `<div class="mode">${modeHeading(m, level)}${body(m)}</div>`).join("");

// ---- sections ---------------------------------------------------------------------------

function header(r: FlashSaleReport, modes: readonly Mode[]): string {
  const s = r.scenario;
  const facts = dl([
    ["Seed", String(s.seed)],
    ["Store duration", `${clock(s.durationSec)} (${formatInt(s.durationSec)} s)`],
    ["Time compression", `×${s.timeCompression} (≈ ${clock(s.durationSec / s.timeCompression)} real)`],
    ["SKUs", s.skus.length ? s.skus.join(", ") : "none"],
    ["Generated", r.generatedAt],
    ["Modes", modes.length ? modes.map((m) => `${m.key} (${m.blurb})`).join("; ") : "none"],
  ]);
  return `<header><h1>Flash-sale report: ${esc(s.name)}</h1>${s.description ? `<p class="lede">${esc(s.description)}</p>` : ""}${facts}</header>`;
}

function targets(r: FlashSaleReport): string {
  if (!r.targets.length) return section("targets", "Targets", "<p>No targets recorded.</p>");
  const met = r.targets.filter((t) => t.met).length;
  const rows = r.targets.map((t): Cell[] => [t.name, { html: t.met ? `<span class="met">✓ met</span>` : `<span class="unmet">✗ NOT met</span>` }, t.detail]);
  return section(
    "targets",
    "Targets",
    `<p><strong>${met} of ${r.targets.length}</strong> targets met.</p>${table("Targets checked", ["Target", "Result", "Detail"], rows)}`,
  );
}

function oversold(modes: readonly Mode[]): string {
  const chart = barChart({
    title: "Units oversold per channel",
    series: modes,
    groups: CHANNELS.map((c) => ({ label: c, values: modes.map((m) => m.report.oversold.byChannel[c].units) })),
    format: formatInt,
    axisLabel: "units oversold (short picks)",
  });
  const totals = modes
    .map(
      (m) => `<li><strong>${esc(m.key)}</strong>: ${formatInt(m.report.oversold.units)} units oversold in ${formatInt(m.report.oversold.orders)} orders</li>`,
    )
    .join("");
  const byChannel = table(
    "Oversold units and orders by channel",
    ["Channel", ...modes.map((m) => m.key)],
    CHANNELS.map((c) => [
      c,
      ...modes.map((m) => `${formatInt(m.report.oversold.byChannel[c].units)} units / ${formatInt(m.report.oversold.byChannel[c].orders)} orders`),
    ]),
  );
  const buffers = perMode(
    modes,
    (m) => {
      const b = m.report.buffer;
      return `${dl([
        ["Propagation window", ms(b.windowMs)],
        ["Permitted units", b.permittedUnits],
        ["Preventable units", b.preventableUnits],
      ])}<p>${esc(b.explanation)}</p>`;
    },
    4,
  );
  return section(
    "oversold",
    "Oversold",
    `<figure class="chart-box">${chart}</figure><ul class="totals">${totals}</ul>${byChannel}<h3>Buffer check</h3>${buffers}`,
  );
}

function drift(modes: readonly Mode[]): string {
  const series = modes.flatMap((m) =>
    (["shopify", "marketplace"] as const).map((c) => ({
      name: `${m.key} · ${c}`,
      color: m.color,
      // Mode is the colour, channel the dash: pairs stay distinguishable without colour vision.
      dash: c === "marketplace" ? "7 4" : undefined,
      points: m.report.drift.map((p) => [p.tMs, p[c]] as const),
    })),
  );
  if (!series.some((s) => s.points.length)) return section("drift", "Drift over time", "<p>No drift samples recorded.</p>");
  const chart = lineChart({
    title: "Phantom units offered over time",
    series,
    xLabel: "seconds since sale start (real time)",
    yLabel: "phantom units",
    xScale: 1000,
  });
  const peaks = modes.map((m) => {
    const peak = (c: "shopify" | "marketplace") => formatInt(Math.max(0, ...m.report.drift.map((p) => p[c])));
    return `<li><strong>${esc(m.key)}</strong>: peak ${peak("shopify")} on shopify, ${peak("marketplace")} on marketplace</li>`;
  });
  const note = '<p class="muted">Phantom units: Σ over SKUs of max(0, channel stock − true stock), sampled through the run.</p>';
  return section("drift", "Drift over time", `<figure class="chart-box">${chart}</figure><ul class="totals">${peaks.join("")}</ul>${note}`);
}

const INCIDENT_ROWS = 50;
function incidents(modes: readonly Mode[]): string {
  const body = perMode(modes, (m) => {
    const r = m.report;
    const summary = summaryTable(
      `Detection and recovery, ${m.key}`,
      [
        ["detect", r.detectMs],
        ["recover", r.recoverMs],
      ],
      ["p50", "p95", "max"],
    );
    if (!r.incidents.length) return `${summary}<p>No oversell incidents.</p>`;
    const rows = r.incidents
      .slice(0, INCIDENT_ROWS)
      .map((i): Cell[] => [
        i.orderId,
        i.channel,
        i.sku,
        i.units,
        i.detectMs == null ? "never" : ms(i.detectMs),
        i.recoverMs == null ? "never" : ms(i.recoverMs),
        i.outcome,
      ]);
    const more = r.incidents.length - INCIDENT_ROWS;
    const list = table(
      `Oversell incidents, ${m.key} (${formatInt(r.incidents.length)})`,
      ["Order", "Channel", "SKU", "Units", "Detect", "Recover", "Outcome"],
      rows,
      "incidents",
    );
    return `${summary}${list}${more > 0 ? `<p class="muted">… ${formatInt(more)} more incidents not shown.</p>` : ""}`;
  });
  return section("incidents", "Oversell detection and recovery", body);
}

function badge(modes: readonly Mode[]): string {
  const rows = modes.map((m): Cell[] => [
    m.key,
    m.report.badge.reads,
    m.report.badge.staleReads,
    { html: `<strong>${pct(m.report.badge.staleShare)}</strong>` },
  ]);
  return section("badge", "Stock badge", table("Stale stock-badge reads per mode", ["Mode", "Reads", "Stale reads", "Stale share"], rows, "num"));
}

const IDLE_LOAD: readonly ChartSeries[] = [
  { name: "idle", color: "#94a3b8" },
  { name: "under load", color: "#2563eb" },
];
function latency(modes: readonly Mode[]): string {
  const body = perMode(modes, (m) => {
    const r = m.report;
    const api = r.stockApi;
    const apiPart = api
      ? `<figure class="chart-box">${barChart({ title: `/api/stock latency, ${m.key}`, series: IDLE_LOAD, groups: (["p50", "p95", "p99"] as const).map((q) => ({ label: q, values: [api.idle[q], api.load[q]] })), format: ms, axisLabel: "ms" })}</figure>${summaryTable(
          `/api/stock latency, ${m.key}`,
          [
            ["idle", api.idle],
            ["under load", api.load],
          ],
          ["p50", "p95", "p99", "max"],
        )}`
      : "<p>/api/stock latency not measured in this mode.</p>";
    const sh = r.shopify;
    const meter = `<meter min="0" max="${sh.bucketSize}" value="${sh.peakBucket}" aria-label="Peak Shopify bucket use">${formatInt(sh.peakBucket)} of ${formatInt(sh.bucketSize)}</meter> ${formatInt(sh.peakBucket)} of ${formatInt(sh.bucketSize)} (${pct(sh.peakBucket / sh.bucketSize)})`;
    return (
      apiPart +
      `<h4>Webhooks and propagation</h4>${dl([["Webhook ack p99", r.webhookAckMs ? ms(r.webhookAckMs.p99) : "not measured"]])}` +
      summaryTable(
        `Propagation to channels, ${m.key}`,
        [
          ["shopify", r.propagationMs.shopify],
          ["marketplace", r.propagationMs.marketplace],
        ],
        ["p50", "p95"],
      ) +
      `<h4>Shopify Admin API calls</h4>${dl([
        ["Admin calls", sh.adminCalls],
        ["Mutations", sh.mutations],
        ["Throttled", sh.throttled],
        ["Peak bucket", { html: meter }],
      ])}`
    );
  });
  return section("latency", "/api/stock latency", body);
}

function traffic(modes: readonly Mode[]): string {
  const body = perMode(modes, (m) => {
    const t = m.report.traffic;
    const rows = CHANNELS.map((c): Cell[] => [c, t.attempts[c], t.accepted[c].orders, t.accepted[c].units, t.refused[c]]);
    const sum = (f: (c: (typeof CHANNELS)[number]) => number) => CHANNELS.reduce((a, c) => a + f(c), 0);
    rows.push(["all channels", sum((c) => t.attempts[c]), sum((c) => t.accepted[c].orders), sum((c) => t.accepted[c].units), sum((c) => t.refused[c])]);
    const b = t.browser;
    return (
      table(`Orders by channel, ${m.key}`, ["Channel", "Attempts", "Accepted orders", "Accepted units", "Refused"], rows, "num") +
      table(
        `Browser shoppers, ${m.key}`,
        ["", "Shoppers", "Ordered", "Refused", "Saw sold out", "Failed"],
        [["browser", b.shoppers, b.ordered, b.refused, b.sawSoldOut, b.failed]],
        "num",
      ) +
      `<p>Restocked units: <strong>${formatInt(t.restockedUnits)}</strong></p>`
    );
  });
  return section("traffic", "Traffic", body);
}

function screenshots(modes: readonly Mode[], images: ReadonlyMap<string, string>): string {
  const withShots = modes.filter((m) => m.report.screenshots.length);
  if (!withShots.length) return section("screenshots", "Screenshots", "<p>No screenshots captured.</p>");
  const figure = ({ label, file }: { label: string; file: string }) => {
    const uri = images.get(file);
    // Only inline images are embedded: anything else would make the file fetch from elsewhere.
    const ok = uri !== undefined && /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=\s]*$/.test(uri);
    const media = ok ? `<img src="${esc(uri)}" alt="${esc(label)}">` : `<p class="missing">screenshot missing</p>`;
    return `<figure class="shot">${media}<figcaption>${esc(label)}${ok ? "" : " — screenshot missing"}</figcaption></figure>`;
  };
  return section(
    "screenshots",
    "Screenshots",
    perMode(withShots, (m) => `<div class="shots">${m.report.screenshots.map(figure).join("")}</div>`),
  );
}

// ---- document ---------------------------------------------------------------------------

const CSS = `
:root{color-scheme:light;--fg:#1e293b;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:1.7rem;margin:0 0 .3em}h2{font-size:1.3rem;margin:2em 0 .6em;padding-bottom:.2em;border-bottom:2px solid var(--line)}h3{font-size:1.08rem;margin:1.4em 0 .4em}h4{font-size:.98rem;margin:1.2em 0 .3em}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:4px 20px 16px;margin-top:20px}section>h2{border:0;margin-top:.8em}
.lede{font-size:1.05rem;max-width:70ch}.muted{color:var(--muted);font-weight:normal}
.facts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:.6em 0}.facts div{min-width:120px}.facts dt{font-size:.8rem;color:var(--muted)}.facts dd{margin:0;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.6em 0 1em;font-size:.92rem}caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}thead th{background:var(--bg);font-size:.82rem;color:var(--muted)}
table.num td,table.num thead th+th{text-align:right;font-variant-numeric:tabular-nums}.incidents td{font-variant-numeric:tabular-nums}
.met{color:#15803d;font-weight:600}.unmet{color:#b91c1c;font-weight:700}
.totals{padding-left:1.2em}.chart-box{margin:.8em 0;overflow-x:auto}
svg.chart{max-width:100%;height:auto;font:12px system-ui,sans-serif}svg .grid{stroke:var(--line)}svg .axis{stroke:#94a3b8}svg .tick,svg .axis-label{fill:var(--muted)}svg .group{font-weight:600}
meter{width:160px;vertical-align:middle}
.shots{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:16px}.shot{margin:0}.shot img{width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
.missing{display:flex;align-items:center;justify-content:center;min-height:120px;border:1px dashed #cbd5e1;border-radius:6px;color:var(--muted);margin:0}figcaption{font-size:.85rem;color:var(--muted);margin-top:4px}
`;

export function renderReportHtml(report: FlashSaleReport, images: ReadonlyMap<string, string>): string {
  const modes = modesOf(report);
  const body = modes.length
    ? [oversold(modes), drift(modes), incidents(modes), badge(modes), latency(modes), traffic(modes), screenshots(modes, images)].join("\n")
    : section("no-modes", "No modes", "<p>The report holds no mode results.</p>");
  // CSP: nothing may run or load from outside the file; images only from data: URIs.
  const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Flash-sale report: ${esc(report.scenario.name)}</title><style>${CSS}</style></head>
<body><main>
${header(report, modes)}
${targets(report)}
${body}
</main></body></html>
`;
}
