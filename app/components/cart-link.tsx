"use client";

import Link from "next/link";
import { useCartCount } from "./cart-count";

/** Fixed-size, so the count arriving after hydration moves nothing. */
export function CartLink() {
  const count = useCartCount();
  return (
    <Link
      href="/cart"
      className="inline-flex h-9 items-center gap-2 rounded-full border border-stone-300 px-3 text-sm font-medium hover:border-stone-500"
      data-testid="cart-link"
    >
      Cart
      <span
        className="inline-flex h-5 min-w-5 items-center justify-center rounded-full bg-stone-900 px-1.5 text-xs text-white tabular-nums"
        aria-label={`${count ?? 0} items in cart`}
      >
        {count ?? 0}
      </span>
    </Link>
  );
}
