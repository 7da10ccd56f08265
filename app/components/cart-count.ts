"use client";

import { useSyncExternalStore } from "react";

/** The header's item count: a readable cookie set by the cart actions, plus an event when it changes. */
const EVENT = "cart:count";
const COOKIE = "cart_qty";

/** The last count a cart action announced in this page (the cookie may lag behind it). */
let announced: number | null = null;

export function announceCartCount(count: number): void {
  announced = count;
  window.dispatchEvent(new CustomEvent<number>(EVENT, { detail: count }));
}

function readCookie(): number | null {
  const match = document.cookie.split("; ").find((c) => c.startsWith(`${COOKIE}=`));
  const value = match ? Number(match.slice(COOKIE.length + 1)) : NaN;
  return Number.isFinite(value) ? value : null;
}

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener(EVENT, onChange);
  return () => window.removeEventListener(EVENT, onChange);
};

/** Null on the server and while hydrating (the shell is cached for everyone), then this browser's count. */
export function useCartCount(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => announced ?? readCookie(),
    () => null,
  );
}
