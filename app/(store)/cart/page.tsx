import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { readCartId } from "@/lib/cart/cart-cookies";
import { clientIp } from "@/lib/http/client-ip";
import { errorMessage, log } from "@/lib/log";
import { getCart } from "@/lib/shopify/storefront";
import type { Cart } from "@/lib/shopify/storefront-shapes";
import { CartView } from "./cart-view";

export const metadata: Metadata = { title: "Cart" };

/** The cart is per shopper: rendered at request time inside Suspense; the frame stays static. */
export default function CartPage() {
  return (
    <section aria-labelledby="cart-heading" className="mx-auto max-w-3xl space-y-6">
      <h1 id="cart-heading" className="text-2xl font-semibold tracking-tight">
        Your cart
      </h1>
      <Suspense fallback={<p className="text-stone-500">Loading your cart…</p>}>
        <CartContents />
      </Suspense>
    </section>
  );
}

async function CartContents() {
  const cartId = await readCartId();
  let cart: Cart | null = null;
  let unavailable = false;
  if (cartId) {
    try {
      cart = await getCart(cartId, clientIp(await headers()));
    } catch (error) {
      log.error("cart.read_failed", { error: errorMessage(error) });
      unavailable = true;
    }
  }
  if (unavailable) return <p role="alert">Your cart cannot be loaded just now. Please refresh in a moment.</p>;
  return <CartView cart={cart} />;
}
