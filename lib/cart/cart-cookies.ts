import { cookies } from "next/headers";

/**
 * The cart lives at Shopify; the browser holds its id in an HttpOnly cookie (the id grants
 * access to the cart) and a readable copy of the item count for the header badge, so pages
 * stay static and no request reads cookies just to draw "Cart (2)".
 */
export const CART_COOKIE = "cart";
export const CART_COUNT_COOKIE = "cart_qty";
const MAX_AGE = 60 * 60 * 24 * 14;

const options = (httpOnly: boolean) => ({ httpOnly, sameSite: "lax" as const, secure: Boolean(process.env.VERCEL), path: "/", maxAge: MAX_AGE });

export async function readCartId(): Promise<string | null> {
  return (await cookies()).get(CART_COOKIE)?.value ?? null;
}

export async function saveCart(cartId: string, totalQuantity: number): Promise<void> {
  const jar = await cookies();
  jar.set(CART_COOKIE, cartId, options(true));
  jar.set(CART_COUNT_COOKIE, String(totalQuantity), options(false));
}

export async function forgetCart(): Promise<void> {
  const jar = await cookies();
  jar.delete(CART_COOKIE);
  jar.delete(CART_COUNT_COOKIE);
}
