import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOut } from "./sign-out";

export const metadata: Metadata = { title: { default: "Ops", template: "%s · Ops · Northwind Outfitters" }, robots: { index: false, follow: false } };

const LINKS = [
  ["/ops", "Overview"],
  ["/ops/skus", "SKUs"],
  ["/ops/incidents", "Incidents"],
  ["/ops/outbox", "Outbox"],
  ["/ops/dead-letters", "Dead letters"],
  ["/ops/refused-items", "Refused items"],
] as const;

/** The merchant's console frame (every page behind proxy.ts). */
export default function OpsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-screen bg-stone-100">
      <header className="border-b border-stone-800 bg-stone-900 text-stone-100">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <p className="font-semibold tracking-tight">Stock layer · ops</p>
          <nav aria-label="Ops" className="flex flex-wrap items-center gap-1 text-sm">
            {LINKS.map(([href, label]) => (
              <Link key={href} href={href} className="rounded-md px-3 py-1.5 text-stone-300 hover:bg-stone-800 hover:text-white">
                {label}
              </Link>
            ))}
            <SignOut />
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-7xl space-y-6 px-4 py-6">{children}</main>
    </div>
  );
}
