import { Suspense, type ReactNode } from "react";

/** Ops pages read live data at request time; the frame streams first. */
export function Live({ children }: { children: ReactNode }) {
  return <Suspense fallback={<p className="text-stone-500">Loading…</p>}>{children}</Suspense>;
}
