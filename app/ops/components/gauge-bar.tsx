import type { Gauge } from "@/lib/ops/types";

/**
 * One capacity meter (e.g. "API budget", "SKUs tracked"). `role="meter"` on a styled div
 * rather than `<meter>` because browsers style `<meter>` inconsistently and ignore most CSS;
 * the ARIA values carry the same meaning. The colour is a step, not a blend, so "amber" and
 * "red" mean a fixed threshold an operator can learn.
 */
export type GaugeLevel = "ok" | "warn" | "critical";

export function gaugeLevel(share: number): GaugeLevel {
  if (share >= 0.9) return "critical";
  if (share >= 0.7) return "warn";
  return "ok";
}

const BAR: Record<GaugeLevel, string> = {
  ok: "bg-emerald-500",
  warn: "bg-amber-500",
  critical: "bg-red-600",
};

/** Thousands separators without `toLocaleString`, so server and browser print the same text. */
function fmt(n: number): string {
  const s = Number.isInteger(n) ? String(n) : n.toFixed(1);
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function GaugeBar({ gauge }: { gauge: Gauge }) {
  const value = Number.isFinite(gauge.value) ? gauge.value : 0;
  const max = Number.isFinite(gauge.max) && gauge.max > 0 ? gauge.max : 0;
  // A zero max with something in it is "full", not "empty".
  const share = max > 0 ? value / max : value > 0 ? 1 : 0;
  const level = gaugeLevel(share);
  const pct = Math.min(100, Math.max(0, share * 100));
  const text = `${fmt(value)} / ${fmt(max)} ${gauge.unit}`.trim();
  return (
    <div className="space-y-1" data-level={level}>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium text-stone-800">{gauge.label}</span>
        <span className="text-stone-600 tabular-nums">{text}</span>
      </div>
      <div
        role="meter"
        aria-label={gauge.label}
        aria-valuemin={0}
        aria-valuemax={max}
        // ARIA requires now ≤ max; the text still shows an over-full value.
        aria-valuenow={Math.min(Math.max(value, 0), max)}
        aria-valuetext={`${text} (${Math.round(share * 100)}%)`}
        className="h-2 w-full overflow-hidden rounded-full bg-stone-200"
      >
        <div className={`h-full rounded-full ${BAR[level]}`} style={{ width: `${pct.toFixed(1)}%` }} />
      </div>
    </div>
  );
}
