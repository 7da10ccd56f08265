import type { FlowEdge, FlowGraph, FlowNode, SystemId } from "@/lib/ops/types";
import { Sparkline } from "./sparkline";

/**
 * The data-flow drawing merchants are told to keep, drawn live from the window's counts.
 * The layout is fixed, not force-directed, so a system is always in the same place:
 * everything that changes stock on the left (Shopify and the marketplace also receive our
 * writes and reads, so they are drawn once, there, and each direction is its own parallel
 * arrow), the stock layer as a tall hub in the middle (arrows to it run straight), pure
 * readers on the right, cron above the hub, ids without a slot in a grid underneath.
 * Every label sits just above its own arrow, so parallel arrows are spaced to fit one.
 */
type Box = { x: number; y: number; w: number; h: number };
type Pt = { x: number; y: number };

const W = 1000;
const NODE_W = 160;
const TOP = 24;
const CRON_BAND = 150;
const SPREAD = 46; // between parallel arrows: one label block plus the thickest stroke
const BLOCK = 200; // widest label block we plan for
const LEFT: string[] = ["wms", "shopify", "marketplace", "pos"] satisfies SystemId[];
const RIGHT: string[] = ["erp", "storefront"] satisfies SystemId[];
const KIND: Record<FlowEdge["kind"], string> = { webhook: "text-sky-600", write: "text-emerald-600", read: "text-violet-600", cron: "text-amber-600" };

export function formatRate(perMinute: number): string {
  const n = Number.isFinite(perMinute) ? Math.max(0, perMinute) : 0;
  return `${n >= 100 ? Math.round(n) : n.toFixed(1)}/min`;
}

export function formatLag(lagMs: number | null): string {
  if (lagMs === null || !Number.isFinite(lagMs)) return "lag —";
  return lagMs < 1000 ? `lag ${Math.round(lagMs)} ms` : `lag ${(lagMs / 1000).toFixed(1)} s`;
}

const pairKey = (e: FlowEdge) => [e.from, e.to].sort().join("|");
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const f = (n: number) => n.toFixed(1);

function layout(nodes: FlowNode[], widest: number) {
  const nodeH = Math.max(56, (widest - 1) * SPREAD + 28);
  const row = Math.max(nodeH, (widest - 1) * SPREAD + 48) + 40;
  const ids = new Set<string>(nodes.map((n) => n.id));
  const [left, right] = [LEFT.filter((id) => ids.has(id)), RIGHT.filter((id) => ids.has(id))];
  const rows = Math.max(left.length, right.length, 1);
  const top = TOP + (ids.has("cron") ? CRON_BAND : 0);
  const pad = (row - nodeH) / 2;
  const boxes = new Map<string, Box>();
  const place = (list: string[], x: number) =>
    list.forEach((id, i) => boxes.set(id, { x, y: top + ((rows - list.length) * row) / 2 + i * row + pad, w: NODE_W, h: nodeH }));
  place(left, 0);
  place(right, W - NODE_W);
  const mid = (W - NODE_W) / 2;
  if (ids.has("stock-layer")) boxes.set("stock-layer", { x: mid, y: top + pad, w: NODE_W, h: rows * row - 2 * pad });
  if (ids.has("cron")) boxes.set("cron", { x: mid, y: TOP, w: NODE_W, h: 56 });
  const bottom = top + rows * row;
  const rest = nodes.filter((n) => !boxes.has(n.id));
  rest.forEach((n, i) => boxes.set(n.id, { x: ((i % 4) * (W - NODE_W)) / 3, y: bottom + Math.floor(i / 4) * row + pad, w: NODE_W, h: nodeH }));
  return { boxes, height: bottom + Math.ceil(rest.length / 4) * row + TOP };
}

/** Arrow ends on one axis: the middle of the span both boxes share (so hub arrows run straight), else each box's middle; then offset. */
function along(a0: number, a1: number, b0: number, b1: number, shift: number): [number, number] {
  const [lo, hi] = [Math.max(a0, b0), Math.min(a1, b1)];
  const [ma, mb] = lo < hi ? [(lo + hi) / 2, (lo + hi) / 2] : [(a0 + a1) / 2, (b0 + b1) / 2];
  return [clamp(ma + shift, a0 + 6, a1 - 6), clamp(mb + shift, b0 + 6, b1 - 6)];
}

/** A quadratic path in the pair's canonical frame (A→B and B→A get opposite offsets); bowed over any box it would cross. */
function route(a: Box, b: Box, off: number, all: Box[]) {
  if (a === b)
    return { p0: { x: a.x + a.w * 0.3, y: a.y }, c: { x: a.x + a.w / 2, y: a.y - 70 }, p2: { x: a.x + a.w * 0.7, y: a.y }, sideways: true, bowed: true };
  const sideways = a.x + a.w < b.x || b.x + b.w < a.x;
  let p0: Pt, p2: Pt;
  if (sideways) {
    const [ya, yb] = along(a.y, a.y + a.h, b.y, b.y + b.h, off);
    p0 = { x: a.x < b.x ? a.x + a.w : a.x, y: ya };
    p2 = { x: a.x < b.x ? b.x : b.x + b.w, y: yb };
  } else {
    const [xa, xb] = along(a.x, a.x + a.w, b.x, b.x + b.w, off);
    p0 = { x: xa, y: a.y < b.y ? a.y + a.h : a.y };
    p2 = { x: xb, y: a.y < b.y ? b.y : b.y + b.h };
  }
  const c = { x: (p0.x + p2.x) / 2, y: (p0.y + p2.y) / 2 };
  const [x0, x1] = [Math.min(p0.x, p2.x), Math.max(p0.x, p2.x)];
  const blockers = sideways ? all.filter((o) => o !== a && o !== b && o.x > x0 && o.x + o.w < x1 && c.y > o.y - 8 && c.y < o.y + o.h + 8) : [];
  if (blockers.length === 0) return { p0, c, p2, sideways, bowed: false };
  const apex = Math.min(...blockers.map((o) => o.y)) - 60 + off;
  return { p0, c: { x: c.x, y: 2 * apex - c.y }, p2, sideways, bowed: true };
}

type Drawn = { edge: FlowEdge; d: string; arrow: string; x0: number; yb: number; width: number; idle: boolean; top: number };

function draw(edges: FlowEdge[], boxes: Map<string, Box>, pairs: Map<string, FlowEdge[]>): Drawn[] {
  const peak = edges.reduce((m, e) => Math.max(m, Number.isFinite(e.perMinute) ? e.perMinute : 0), 0);
  const all = [...boxes.values()];
  return edges.flatMap((edge) => {
    const [lo = "", hi = ""] = [edge.from, edge.to].sort();
    const [a, b] = [boxes.get(lo), boxes.get(hi)];
    if (!a || !b) return [];
    const group = pairs.get(pairKey(edge)) ?? [edge];
    const k = group.indexOf(edge) - (group.length - 1) / 2;
    const r = route(a, b, k * SPREAD, all);
    const [p0, p2] = edge.from === lo ? [r.p0, r.p2] : [r.p2, r.p0];
    const rate = Number.isFinite(edge.perMinute) ? Math.max(0, edge.perMinute) : 0;
    const width = rate > 0 && peak > 0 ? 1.5 + 6.5 * Math.sqrt(rate / peak) : 1.5; // sqrt: a trickle stays visible next to a flood
    const len = Math.hypot(p2.x - r.c.x, p2.y - r.c.y) || 1;
    const [ux, uy] = [(p2.x - r.c.x) / len, (p2.y - r.c.y) / len];
    const [head, half] = [8 + width * 1.2, 4 + width * 0.8];
    const base = { x: p2.x - ux * head, y: p2.y - uy * head };
    const arrow = [p2, { x: base.x - uy * half, y: base.y + ux * half }, { x: base.x + uy * half, y: base.y - ux * half }]
      .map((p) => `${f(p.x)},${f(p.y)}`)
      .join(" ");
    const d = `M${f(p0.x)},${f(p0.y)} Q${f(r.c.x)},${f(r.c.y)} ${f(p2.x - ux * head * 0.8)},${f(p2.y - uy * head * 0.8)}`;
    const apex = { x: (p0.x + 2 * r.c.x + p2.x) / 4, y: (p0.y + 2 * r.c.y + p2.y) / 4 };
    let x0 = apex.x + width / 2 + 8;
    let yb = apex.y + 8 + k * 40; // vertical arrows: beside the line, staggered
    if (r.bowed) [x0, yb] = [apex.x - BLOCK / 2, apex.y - width / 2 - 8];
    else if (r.sideways) {
      const [l, rt] = p0.x < p2.x ? [p0, p2] : [p2, p0];
      x0 = Math.max(l.x + 24, (l.x + rt.x - BLOCK) / 2);
      const yAt = (x: number) => l.y + (rt.y - l.y) * clamp((x - l.x) / (rt.x - l.x || 1), 0, 1);
      yb = Math.min(yAt(x0), yAt(x0 + BLOCK)) - width / 2 - 8;
    }
    return [{ edge, d, arrow, x0, yb, width, idle: !(rate > 0), top: Math.min(p0.y, p2.y, apex.y, yb - 34) }];
  });
}

/** Label on one line; sparkline and "rate · lag" under it; the block's bottom-left is (x0, yb). */
function EdgeLabel({ e }: { e: Drawn }) {
  const halo = { stroke: "white", strokeWidth: 3, paintOrder: "stroke" } as const;
  return (
    <g className={KIND[e.edge.kind]}>
      <text x={f(e.x0)} y={f(e.yb - 16)} className="fill-stone-800 text-[12px] font-medium" {...halo}>
        {e.edge.label}
      </text>
      <g transform={`translate(${f(e.x0)},${f(e.yb - 12)})`}>
        <Sparkline values={e.edge.series} label={`${e.edge.label} per minute`} />
      </g>
      <text x={f(e.x0 + 66)} y={f(e.yb)} className="fill-stone-600 text-[11px] tabular-nums" {...halo}>
        {`${formatRate(e.edge.perMinute)} · ${formatLag(e.edge.lagMs)}`}
      </text>
    </g>
  );
}

export function FlowDiagram({ graph }: { graph: FlowGraph }) {
  // Each system once (first wins); an edge to a system missing from `nodes` still gets a box.
  const byId = new Map<string, FlowNode>();
  for (const n of graph.nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  for (const e of graph.edges) for (const id of [e.from, e.to]) if (!byId.has(id)) byId.set(id, { id, label: id, role: "" });
  const nodes = [...byId.values()];
  const pairs = new Map<string, FlowEdge[]>();
  for (const e of graph.edges) pairs.set(pairKey(e), [...(pairs.get(pairKey(e)) ?? []), e]);
  const { boxes, height } = layout(nodes, Math.max(1, ...[...pairs.values()].map((g) => g.length)));
  const drawn = draw(graph.edges, boxes, pairs);
  // Bowed arrows and top-row labels may rise above y = 0: grow the view instead of clipping.
  const minY = Math.min(0, ...drawn.map((e) => e.top - 8));
  const name = (id: string) => byId.get(id)?.label ?? id;
  const idle = drawn.filter((e) => e.idle).length;
  const summary = `Data flow over the last ${graph.windowMinutes} minutes: ${nodes.length} systems, ${drawn.length} flows (${drawn.length - idle} active, ${idle} idle).`;
  const line = (e: FlowEdge) => `${name(e.from)} → ${name(e.to)}: ${e.label} (${e.kind}), ${formatRate(e.perMinute)}, ${formatLag(e.lagMs)}.`;
  return (
    <figure className="w-full">
      <svg viewBox={`0 ${f(minY)} ${W} ${f(height - minY)}`} role="img" aria-label={summary} className="h-auto w-full font-sans">
        <title>Stock data flow</title>
        <desc>{[summary, ...graph.edges.map(line)].join(" ")}</desc>
        {drawn.map((e) => (
          <g key={e.edge.id} className={KIND[e.edge.kind]} opacity={e.idle ? 0.6 : 0.9}>
            <path
              data-edge={e.edge.id}
              data-kind={e.edge.kind}
              data-idle={e.idle ? "true" : undefined}
              d={e.d}
              fill="none"
              stroke="currentColor"
              strokeWidth={e.width.toFixed(2)}
              strokeLinecap="round"
              strokeDasharray={e.idle ? "6 5" : undefined}
            />
            <polygon points={e.arrow} fill="currentColor" />
          </g>
        ))}
        {nodes.map((n) => {
          const b = boxes.get(n.id);
          if (!b) return null;
          const [hub, cx, cy] = [n.id === "stock-layer", b.x + b.w / 2, b.y + b.h / 2];
          return (
            <g key={n.id} data-node={n.id}>
              <rect
                x={b.x}
                y={b.y}
                width={b.w}
                height={b.h}
                rx={10}
                strokeWidth={1.5}
                className={hub ? "fill-stone-900 stroke-stone-900" : "fill-white stroke-stone-300"}
              />
              <text x={cx} y={n.role ? cy - 3 : cy + 5} textAnchor="middle" className={`text-[14px] font-semibold ${hub ? "fill-white" : "fill-stone-900"}`}>
                {n.label}
              </text>
              <text x={cx} y={cy + 14} textAnchor="middle" className={`text-[11px] ${hub ? "fill-stone-300" : "fill-stone-500"}`}>
                {n.role}
              </text>
            </g>
          );
        })}
        {drawn.map((e) => (
          <EdgeLabel key={e.edge.id} e={e} />
        ))}
      </svg>
      <table className="sr-only">
        <caption>Data flows over the last {graph.windowMinutes} minutes</caption>
        <thead>
          <tr>
            {["From", "To", "Flow", "Kind", "Throughput", "Lag"].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {graph.edges.map((e) => (
            <tr key={e.id}>
              {[name(e.from), name(e.to), e.label, e.kind, formatRate(e.perMinute), formatLag(e.lagMs)].map((v, i) => (
                <td key={i}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
