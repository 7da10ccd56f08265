import type { DriftPoint } from "@/lib/ops/types";

/**
 * Drift found per reconciliation pass, as stacked bars per channel, with the number corrected
 * as a line on the same scale. Points are summed into time buckets whose width is the
 * smallest "round" step (1, 2, 5 … minutes, then hours, days) that keeps the chart at
 * ≤ 120 bars, so 20,000 points render as fast as 20. Buckets align to local wall-clock
 * time, so tick labels land on round HH:MM values.
 */
const MIN = 60_000;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MIN);
export const MAX_BARS = 120;
const FILLS = ["fill-sky-500", "fill-violet-500", "fill-amber-500", "fill-emerald-500", "fill-rose-500", "fill-stone-500"];
const [W, H, L, R, T, B] = [720, 240, 44, 12, 12, 28];

export interface DriftBucket {
  start: number;
  byChannel: Record<string, number>;
  total: number;
  corrected: number;
}

export function bucketDrift(points: DriftPoint[], maxBars = MAX_BARS) {
  const valid = points.filter((p) => Number.isFinite(p.at));
  let [lo, hi] = [Infinity, -Infinity];
  for (const p of valid) [lo, hi] = [Math.min(lo, p.at), Math.max(hi, p.at)];
  const tz = valid.length ? new Date(lo).getTimezoneOffset() * MIN : 0;
  const slot = (at: number, size: number) => Math.floor((at - tz) / size);
  const fits = (size: number) => slot(hi, size) - slot(lo, size) + 1 <= maxBars;
  let size = STEPS.find(fits) ?? 2 * 1440 * MIN;
  while (valid.length && !fits(size)) size *= 2;
  const first = valid.length ? slot(lo, size) : 0;
  const buckets = new Map<number, DriftBucket>();
  const channels = new Set<string>();
  for (const p of valid) {
    const i = slot(p.at, size) - first;
    const b = buckets.get(i) ?? { start: (i + first) * size + tz, byChannel: {}, total: 0, corrected: 0 };
    const drift = Number.isFinite(p.absDrift) ? Math.max(0, p.absDrift) : 0;
    b.byChannel[p.channel] = (b.byChannel[p.channel] ?? 0) + drift;
    b.total += drift;
    b.corrected += Number.isFinite(p.corrected) ? Math.max(0, p.corrected) : 0;
    buckets.set(i, b);
    channels.add(p.channel);
  }
  const slots = valid.length ? slot(hi, size) - first + 1 : 0;
  return { size, slots, tz, buckets: [...buckets.entries()].sort((a, b) => a[0] - b[0]), channels: [...channels].sort() };
}

/** HH:MM in local time where this renders (the server, for this server component); "D/M HH:MM" once the chart spans days. */
function stamp(ms: number, withDay = false): string {
  const d = new Date(ms);
  const hhmm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return withDay ? `${d.getDate()}/${d.getMonth() + 1} ${hhmm}` : hhmm;
}

/** Tick spacing: a round interval (never finer than a bucket) giving at most six labels. */
const TICKS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MIN);

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = [1, 2, 5, 10].find((k) => k * p >= raw) ?? 10;
  return Math.max(1, m * p); // counts: never a fractional tick
}

/** Sums of counts print as integers; fractional input gets one decimal rather than float noise. */
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

const EMPTY = "No drift measured yet — run a reconciliation pass.";

export function DriftChart({ points }: { points: DriftPoint[] }) {
  const { size, slots, tz, buckets, channels } = bucketDrift(points);
  if (buckets.length === 0) {
    return <p className="rounded-lg border border-dashed border-stone-300 p-6 text-center text-sm text-stone-500">{EMPTY}</p>;
  }
  const peak = buckets.reduce((m, [, b]) => Math.max(m, b.total, b.corrected), 0);
  const step = niceStep(Math.max(peak, 1) / 4);
  const top = Math.ceil(Math.max(peak, 1) / step) * step;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const [pw, ph] = [W - L - R, H - T - B];
  const sw = pw / slots;
  const y = (v: number) => T + ph - (v / top) * ph;
  const x = (i: number) => L + i * sw;
  const fill = (c: string) => FILLS[channels.indexOf(c) % FILLS.length] ?? "fill-stone-500";
  const start = buckets[0]?.[1].start ?? 0;
  const end = start + slots * size;
  const long = end - start > 1440 * MIN;
  const hhmm = (ms: number) => stamp(ms, long);
  const every = TICKS.find((t) => t >= size && (end - start) / t <= 6) ?? size * Math.ceil(slots / 5);
  const first = Math.ceil((start - tz) / every) * every + tz;
  const xTicks = Array.from({ length: Math.max(0, Math.floor((end - first) / every) + 1) }, (_, k) => first + k * every);
  const totalDrift = buckets.reduce((s, [, b]) => s + b.total, 0);
  const totalFixed = buckets.reduce((s, [, b]) => s + b.corrected, 0);
  const unit = size < 60 * MIN ? `${size / MIN}-minute` : size < 1440 * MIN ? `${size / (60 * MIN)}-hour` : `${size / (1440 * MIN)}-day`;
  const summary = `Drift from ${hhmm(start)} to ${hhmm(end)} in ${buckets.length} ${unit} buckets: total absolute drift ${num(totalDrift)} across ${channels.join(", ")}; ${num(totalFixed)} corrected.`;
  const line = buckets.map(([i, b]) => `${(x(i) + sw / 2).toFixed(1)},${y(b.corrected).toFixed(1)}`);
  return (
    <figure className="w-full space-y-2">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} className="h-auto w-full font-sans">
        <title>Stock drift per reconciliation pass</title>
        <desc>{summary}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={L} x2={W - R} y1={y(t)} y2={y(t)} className="stroke-stone-200" />
            <text x={L - 6} y={y(t) + 4} textAnchor="end" className="fill-stone-500 text-[11px] tabular-nums">
              {t}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <g key={t}>
            <line x1={x((t - start) / size)} x2={x((t - start) / size)} y1={T + ph} y2={T + ph + 4} className="stroke-stone-400" />
            <text
              x={x((t - start) / size)}
              y={H - 8}
              textAnchor={t === start ? "start" : t === end ? "end" : "middle"}
              className="fill-stone-500 text-[11px] tabular-nums"
            >
              {hhmm(t)}
            </text>
          </g>
        ))}
        {buckets.map(([i, b]) => {
          let base = 0;
          return (
            <g key={i} data-bucket={b.start}>
              <title>{`${hhmm(b.start)}: drift ${num(b.total)}, corrected ${num(b.corrected)}`}</title>
              {channels.map((c) => {
                const v = b.byChannel[c] ?? 0;
                if (v <= 0) return null;
                const rect = (
                  <rect key={c} x={x(i) + sw * 0.1} width={Math.max(1, sw * 0.8)} y={y(base + v)} height={y(base) - y(base + v)} className={fill(c)} />
                );
                base += v;
                return rect;
              })}
            </g>
          );
        })}
        <polyline points={line.join(" ")} fill="none" strokeWidth={2} strokeLinejoin="round" className="stroke-stone-900" data-series="corrected" />
        {buckets.length <= 60 ? buckets.map(([i, b]) => <circle key={i} cx={x(i) + sw / 2} cy={y(b.corrected)} r={2.5} className="fill-stone-900" />) : null}
        <line x1={L} x2={W - R} y1={T + ph} y2={T + ph} className="stroke-stone-400" />
      </svg>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-stone-600" aria-label="Legend">
        {channels.map((c) => (
          <li key={c} className="flex items-center gap-1.5">
            <svg width={10} height={10} aria-hidden="true">
              <rect width={10} height={10} rx={2} className={fill(c)} />
            </svg>
            {c} drift
          </li>
        ))}
        <li className="flex items-center gap-1.5">
          <svg width={14} height={10} aria-hidden="true">
            <line x1={0} x2={14} y1={5} y2={5} strokeWidth={2} className="stroke-stone-900" />
          </svg>
          corrected
        </li>
      </ul>
      <table className="sr-only">
        <caption>Drift per {unit} bucket</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            {channels.map((c) => (
              <th key={c} scope="col">{`${c} drift`}</th>
            ))}
            <th scope="col">Total drift</th>
            <th scope="col">Corrected</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map(([i, b]) => (
            <tr key={i}>
              <th scope="row">{hhmm(b.start)}</th>
              {channels.map((c) => (
                <td key={c}>{num(b.byChannel[c] ?? 0)}</td>
              ))}
              <td>{num(b.total)}</td>
              <td>{num(b.corrected)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
