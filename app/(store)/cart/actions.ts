"use server";

import { refresh } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { forgetCart, readCartId, saveCart } from "@/lib/cart/cart-cookies";
import { clientIp } from "@/lib/http/client-ip";
import { errorMessage, log } from "@/lib/log";
import { cartShortfalls, type Shortfall } from "@/lib/stock/cart-shortfalls";
import { getPolicy } from "@/lib/config/edge-config";
import { getRedis } from "@/lib/redis/client";
import { readLiveStock } from "@/lib/stock/live-stock";
import { addCartLines, createCart, getCart, removeCartLines, updateCartLines, type CartResult } from "@/lib/shopify/storefront";

/**
 * Cart actions: thin, validated doors to Shopify's cart. Every answer is a small state
 * object the UI can show; Shopify errors never reach the browser as stack traces.
 */
export type CartActionState = { ok: boolean; message: string | null; totalQuantity: number | null };

const variantIdSchema = z.string().regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/, "expected a ProductVariant id");
const lineIdSchema = z.string().min(1).max(300);
const quantitySchema = z.number().int().min(0).max(99);

const failed = (message: string): CartActionState => ({ ok: false, message, totalQuantity: null });

/** The shopper behind this action, for Shopify-Storefront-Buyer-IP (per-shopper throttling and bot checks). */
const shopperIp = async (): Promise<string | null> => clientIp(await headers());

async function settle(result: CartResult, success: string): Promise<CartActionState> {
  if (result.userErrors.length > 0 || !result.cart) return failed(result.userErrors[0]?.message ?? "Your cart could not be updated.");
  await saveCart(result.cart.id, result.cart.totalQuantity);
  return { ok: true, message: result.warnings[0]?.message ?? success, totalQuantity: result.cart.totalQuantity };
}

async function guarded(what: string, run: () => Promise<CartActionState>): Promise<CartActionState> {
  try {
    return await run();
  } catch (error) {
    log.error("cart.action_failed", { action: what, error: errorMessage(error) });
    return failed("The store could not reach the cart just now. Please try again.");
  }
}

export async function addToCart(variantId: string, quantity: number): Promise<CartActionState> {
  const id = variantIdSchema.safeParse(variantId);
  const qty = quantitySchema.min(1).safeParse(quantity);
  if (!id.success || !qty.success) return failed("That item or quantity is not valid.");
  return guarded("add", async () => {
    const lines = [{ merchandiseId: id.data, quantity: qty.data }];
    const [cartId, buyerIp] = await Promise.all([readCartId(), shopperIp()]);
    let result = cartId ? await addCartLines(cartId, lines, buyerIp) : await createCart(lines, buyerIp);
    // A cart that went through checkout is gone: start a new one.
    if (cartId && !result.cart) result = await createCart(lines, buyerIp);
    return settle(result, "Added to your cart.");
  });
}

export async function updateCartLine(lineId: string, quantity: number): Promise<CartActionState> {
  const id = lineIdSchema.safeParse(lineId);
  const qty = quantitySchema.safeParse(quantity);
  if (!id.success || !qty.success) return failed("That quantity is not valid.");
  return guarded("update", async () => {
    const [cartId, buyerIp] = await Promise.all([readCartId(), shopperIp()]);
    if (!cartId) return failed("Your cart has expired.");
    const state = await settle(
      qty.data === 0 ? await removeCartLines(cartId, [id.data], buyerIp) : await updateCartLines(cartId, [{ id: id.data, quantity: qty.data }], buyerIp),
      "Cart updated.",
    );
    refresh();
    return state;
  });
}

export type CheckoutState = { message: string | null; shortfalls: Shortfall[] };

/**
 * Checks the cart against live stock first (a line asking for more than can be sold is
 * answered here, with the quantity we can offer); otherwise on to Shopify's checkout,
 * which has the final word.
 */
export async function startCheckout(_previous: CheckoutState): Promise<CheckoutState> {
  let checkoutUrl: string;
  try {
    const cartId = await readCartId();
    const cart = cartId ? await getCart(cartId, await shopperIp()) : null;
    if (!cart || cart.lines.length === 0) {
      if (cartId && !cart) await forgetCart();
      return { message: "Your cart is empty.", shortfalls: [] };
    }
    const shortfalls = await liveShortfalls(cart.lines.map((l) => ({ lineId: l.id, sku: l.merchandise.sku, quantity: l.quantity })));
    if (shortfalls.length > 0) {
      log.info("cart.checkout_short", { skus: shortfalls.map((s) => s.sku) });
      return { message: "Some items sold out while they were in your cart.", shortfalls };
    }
    checkoutUrl = cart.checkoutUrl;
  } catch (error) {
    log.error("cart.checkout_failed", { error: errorMessage(error) });
    return { message: "Checkout is not reachable just now. Please try again.", shortfalls: [] };
  }
  redirect(checkoutUrl);
}

/** Our early answer; if the stock layer cannot answer, Shopify's checkout still decides. */
async function liveShortfalls(lines: { lineId: string; sku: string | null; quantity: number }[]): Promise<Shortfall[]> {
  try {
    const stock = await readLiveStock({ redis: getRedis(), policy: getPolicy }, [...new Set(lines.flatMap((l) => (l.sku ? [l.sku] : [])))]);
    return cartShortfalls(lines, stock.skus);
  } catch (error) {
    log.warn("cart.stock_check_skipped", { error: errorMessage(error) });
    return [];
  }
}
