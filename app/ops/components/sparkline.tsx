/**
 * A tiny trend line (per-minute counts, oldest first). It draws in `currentColor`, so the
 * caller colours it with a text class, and it sits inside HTML or inside another SVG alike
 * (the flow diagram places it with a `<g transform>`). The baseline is 0, not the minimum,
 * so a steady trickle does not look like a wild swing.
 */
const W = 60;
const H = 16;

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const vs = values.map((v) => (Number.isFinite(v) ? v : 0));
  const max = vs.reduce((m, v) => Math.max(m, v), 0);
  const min = vs.reduce((m, v) => Math.min(m, v), 0);
  const span = max - min || 1;
  const pts = vs.map((v, i) => ({
    x: vs.length === 1 ? W / 2 : 1 + (i * (W - 2)) / (vs.length - 1),
    y: H - 1 - ((v - min) / span) * (H - 2),
  }));
  const last = pts.at(-1);
  const summary = vs.length ? `${label}: ${vs.length} points, peak ${fmt(max)}, latest ${fmt(vs.at(-1) ?? 0)}` : `${label}: no data yet`;
  return (
    <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} className="inline-block overflow-visible align-middle">
      <title>{summary}</title>
      {last ? (
        <>
          <polyline
            points={pts.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}
            fill="none"
            stroke="currentColor"
            strokeWidth={1.25}
            strokeLinejoin="round"
            strokeLinecap="round"
          />
          <circle cx={last.x} cy={last.y} r={1.75} fill="currentColor" />
        </>
      ) : (
        // No samples: a faint dashed baseline keeps the space (nothing shifts when data arrives).
        <line x1={1} x2={W - 1} y1={H - 1} y2={H - 1} stroke="currentColor" strokeOpacity={0.4} strokeDasharray="2 2" />
      )}
    </svg>
  );
}
