import Link from "next/link";
import type { ReactNode } from "react";

/** Building blocks of the ops pages. */
export function Panel({ title, subtitle, children, className = "" }: { title: string; subtitle?: string; children: ReactNode; className?: string }) {
  return (
    <section className={`rounded-xl border border-stone-200 bg-white p-4 shadow-sm ${className}`} aria-label={title}>
      <h2 className="font-semibold">{title}</h2>
      {subtitle ? <p className="mb-3 text-sm text-stone-500">{subtitle}</p> : <div className="mb-3" />}
      {children}
    </section>
  );
}

const TONES = { calm: "text-stone-900", warn: "text-amber-700", alert: "text-red-700" } as const;

export function Stat({ label, value, href, tone = "calm" }: { label: string; value: number; href: string; tone?: keyof typeof TONES }) {
  return (
    <Link href={href} className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm hover:border-stone-400">
      <p className="text-sm text-stone-500">{label}</p>
      <p className={`text-2xl font-semibold tabular-nums ${TONES[tone]}`}>{value.toLocaleString()}</p>
    </Link>
  );
}
