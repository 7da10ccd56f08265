"use client";

import { useEffect, useState } from "react";

/** The header's item count: a readable cookie set by the cart actions, plus an event when it changes. */
const EVENT = "cart:count";
const COOKIE = "cart_qty";

export function announceCartCount(count: number): void {
  window.dispatchEvent(new CustomEvent<number>(EVENT, { detail: count }));
}

function readCookie(): number | null {
  const match = document.cookie.split("; ").find((c) => c.startsWith(`${COOKIE}=`));
  const value = match ? Number(match.slice(COOKIE.length + 1)) : NaN;
  return Number.isFinite(value) ? value : null;
}

export function useCartCount(): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    setCount(readCookie());
    const onChange = (event: Event) => setCount((event as CustomEvent<number>).detail);
    window.addEventListener(EVENT, onChange);
    return () => window.removeEventListener(EVENT, onChange);
  }, []);
  return count;
}
