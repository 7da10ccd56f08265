"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import { addToCart, type CartActionState } from "@/app/(store)/cart/actions";
import type { SkuStock } from "@/lib/stock/stock-view";
import { announceCartCount } from "./cart-count";

/**
 * Quantity and "Add to cart". Disabled when live stock says the variant cannot be sold; the
 * quantity is capped at what is left. Shopify's cart has the last word (it clamps adds).
 */
export function AddToCart({ variantId, stock }: { variantId: string; stock: SkuStock | undefined }) {
  const [quantity, setQuantity] = useState(1);
  const [state, setState] = useState<CartActionState | null>(null);
  const [pending, startTransition] = useTransition();
  const unsellable = stock?.status === "sold_out" || stock?.status === "unknown";
  const max = stock && stock.status !== "unknown" ? Math.max(1, Math.min(10, stock.available)) : 10;
  const qty = Math.min(quantity, max);
  const add = () =>
    startTransition(async () => {
      const result = await addToCart(variantId, qty);
      setState(result);
      if (result.totalQuantity !== null) announceCartCount(result.totalQuantity);
    });
  return (
    <div className="space-y-3">
      <div className="flex gap-3">
        <label className="sr-only" htmlFor="quantity">
          Quantity
        </label>
        <select
          id="quantity"
          value={qty}
          onChange={(e) => setQuantity(Number(e.target.value))}
          disabled={unsellable}
          className="h-12 w-20 rounded-lg border border-stone-300 bg-white px-3 text-base disabled:opacity-50"
        >
          {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={add}
          disabled={unsellable || pending}
          className="h-12 flex-1 rounded-lg bg-stone-900 px-6 text-base font-medium text-white transition hover:bg-stone-700 disabled:cursor-not-allowed disabled:bg-stone-300 disabled:text-stone-600"
        >
          {unsellable ? "Sold out" : pending ? "Adding…" : "Add to cart"}
        </button>
      </div>
      <p role="status" aria-live="polite" className={`min-h-5 text-sm ${state?.ok === false ? "text-red-700" : "text-stone-700"}`} data-testid="cart-message">
        {state?.message ?? ""}
        {state?.ok ? (
          <>
            {" "}
            <Link href="/cart" className="font-medium underline">
              View cart
            </Link>
          </>
        ) : null}
      </p>
    </div>
  );
}
