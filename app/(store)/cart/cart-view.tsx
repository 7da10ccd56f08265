"use client";

import { Image, Money } from "@shopify/hydrogen-react";
import Link from "next/link";
import { useActionState, useEffect, useTransition } from "react";
import type { Cart, CartLine } from "@/lib/shopify/storefront-shapes";
import { cartShortfalls, type Shortfall } from "@/lib/stock/cart-shortfalls";
import { announceCartCount } from "@/app/components/cart-count";
import { StockBadge } from "@/app/components/stock-badge";
import { useStock } from "@/app/components/use-stock";
import { startCheckout, updateCartLine, type CheckoutState } from "./actions";

/**
 * Lines with live stock. A line asking for more than can be sold offers what is left (or
 * removal), from live stock or from the checkout's own refusal, whichever knows less stock.
 */
export function CartView({ cart }: { cart: Cart | null }) {
  const lines = cart?.lines ?? [];
  const live = useStock(lines.flatMap((l) => (l.merchandise.sku ? [l.merchandise.sku] : [])));
  const [checkout, checkoutAction, checkingOut] = useActionState(startCheckout, { message: null, shortfalls: [] } satisfies CheckoutState);
  const total = cart?.totalQuantity ?? 0;
  useEffect(() => announceCartCount(total), [total]);

  if (!cart || lines.length === 0)
    return (
      <div className="rounded-xl border border-stone-200 bg-white p-8 text-center">
        <p className="text-stone-700">Your cart is empty.</p>
        <Link href="/" className="mt-4 inline-block font-medium underline">
          Continue shopping
        </Link>
      </div>
    );

  const liveShort = cartShortfalls(
    lines.map((l) => ({ lineId: l.id, sku: l.merchandise.sku, quantity: l.quantity })),
    Object.fromEntries(
      lines.flatMap((l) => (l.merchandise.sku && live.stockOf(l.merchandise.sku) ? [[l.merchandise.sku, live.stockOf(l.merchandise.sku)!]] : [])),
    ),
  );
  const shortOf = (line: CartLine): Shortfall | undefined => {
    // The checkout's answer holds until the shopper changes that line.
    const fromServer = checkout.shortfalls.find((s) => s.lineId === line.id && line.quantity > s.available);
    const fromLive = liveShort.find((s) => s.lineId === line.id);
    if (fromServer && fromLive) return fromServer.available <= fromLive.available ? fromServer : fromLive;
    return fromServer ?? fromLive;
  };
  const blocked = lines.some((l) => shortOf(l) !== undefined);

  return (
    <div className="space-y-6">
      {checkout.message ? (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800" data-testid="checkout-message">
          {checkout.message}
        </div>
      ) : null}
      <ul className="divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white">
        {lines.map((line) => (
          <CartLineRow
            key={line.id}
            line={line}
            shortfall={shortOf(line)}
            stock={line.merchandise.sku ? live.stockOf(line.merchandise.sku) : undefined}
            checking={live.checking}
          />
        ))}
      </ul>
      <div className="flex flex-col gap-4 rounded-xl border border-stone-200 bg-white p-4 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-lg">
          Subtotal <Money data={cart.cost.subtotalAmount} as="span" className="font-semibold" />
        </p>
        <form action={checkoutAction}>
          <button
            type="submit"
            disabled={checkingOut || blocked}
            className="h-12 w-full rounded-lg bg-stone-900 px-8 font-medium text-white hover:bg-stone-700 disabled:cursor-not-allowed disabled:bg-stone-300 disabled:text-stone-600 sm:w-auto"
          >
            {checkingOut ? "Checking stock…" : "Check out"}
          </button>
        </form>
      </div>
    </div>
  );
}

function CartLineRow({
  line,
  shortfall,
  stock,
  checking,
}: {
  line: CartLine;
  shortfall: Shortfall | undefined;
  stock: Parameters<typeof StockBadge>[0]["stock"];
  checking: boolean;
}) {
  const [pending, startTransition] = useTransition();
  const setQuantity = (quantity: number) => startTransition(async () => void (await updateCartLine(line.id, quantity)));
  const variant = line.merchandise;
  return (
    <li className="flex gap-4 p-4" data-testid={`cart-line-${variant.sku ?? line.id}`}>
      <div className="size-20 shrink-0 overflow-hidden rounded-lg bg-stone-100">
        {variant.image ? <Image data={variant.image} sizes="80px" aspectRatio="1/1" className="size-full object-cover" /> : null}
      </div>
      <div className="flex flex-1 flex-col gap-2">
        <div className="flex items-start justify-between gap-2">
          <div>
            <Link href={`/products/${variant.product.handle}`} className="font-medium hover:underline">
              {variant.product.title}
            </Link>
            <p className="text-sm text-stone-600">{variant.title}</p>
          </div>
          <Money data={line.cost.totalAmount} className="font-medium" />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <label className="text-sm text-stone-600">
            Qty{" "}
            <select
              value={line.quantity}
              disabled={pending}
              onChange={(e) => setQuantity(Number(e.target.value))}
              className="ml-1 h-9 rounded-md border border-stone-300 bg-white px-2"
              data-testid="line-quantity"
            >
              {Array.from({ length: Math.max(10, line.quantity) }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <StockBadge testId={`stock-${variant.sku ?? "none"}`} stock={stock} checking={checking} />
          <button type="button" disabled={pending} onClick={() => setQuantity(0)} className="text-sm text-stone-600 underline hover:text-stone-900">
            Remove
          </button>
        </div>
        {shortfall ? (
          <p role="alert" className="flex flex-wrap items-center gap-2 text-sm text-red-800" data-testid="line-shortfall">
            {shortfall.available === 0
              ? "Sold out — this item can no longer be ordered."
              : `Only ${shortfall.available} left — you asked for ${shortfall.requested}.`}
            <button
              type="button"
              disabled={pending}
              onClick={() => setQuantity(shortfall.available)}
              className="rounded-md bg-red-700 px-2.5 py-1 font-medium text-white hover:bg-red-800"
              data-testid="accept-offer"
            >
              {shortfall.available === 0 ? "Remove it" : `Change to ${shortfall.available}`}
            </button>
          </p>
        ) : null}
      </div>
    </li>
  );
}
