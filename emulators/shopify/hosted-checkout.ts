import type { ServerResponse } from "node:http";
import { escapeHtml } from "../../lib/escape-html";
import { HttpError, type Routes } from "../shared/http";
import type { CartRecord } from "./cart-book";
import { cartTotalMinor } from "./carts";
import { checkout } from "./checkout";
import { decimalAmount } from "./format";
import type { ShopState } from "./shop-state";

/**
 * The checkout a cart's `checkoutUrl` opens, as Shopify hosts it: the shopper reviews the
 * order and pays; the shop's own `available` decides (per location). When stock ran out
 * the page says so, line by line, and links back to the storefront's cart.
 */
function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f5f5f4;color:#1c1917;margin:0}main{max-width:560px;margin:40px auto;background:#fff;border:1px solid #e7e5e4;border-radius:12px;padding:24px}h1{font-size:1.4rem;margin:0 0 16px}table{width:100%;border-collapse:collapse;margin:12px 0}td{padding:6px 0;border-bottom:1px solid #f5f5f4}td.r{text-align:right}button{background:#1c1917;color:#fff;border:0;border-radius:8px;padding:12px 18px;font-size:1rem;cursor:pointer;width:100%}label{display:block;margin:12px 0 4px}input{width:100%;padding:8px;border:1px solid #d6d3d1;border-radius:6px;box-sizing:border-box}.alert{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;border-radius:8px;padding:12px;margin:12px 0}.ok{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;border-radius:8px;padding:12px;margin:12px 0}a{color:#1c1917}</style>
</head><body><main>${body}</main></body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), "cache-control": "no-store" });
  res.end(html);
}

const money = (shop: ShopState, minor: number) => `$${decimalAmount(minor, shop.catalog.currency)}`;

function summary(shop: ShopState, cart: CartRecord): string {
  const rows = cart.lines
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.variant.product.title)} — ${escapeHtml(l.variant.title)} × ${l.quantity}</td><td class="r">${money(shop, l.variant.priceCents * l.quantity)}</td></tr>`,
    )
    .join("");
  return `<table aria-label="Order summary">${rows}<tr><td><strong>Total</strong></td><td class="r"><strong>${money(shop, cartTotalMinor(cart))}</strong></td></tr></table>`;
}

const backToCart = (shop: ShopState) => (shop.storefrontUrl ? `<p><a href="${escapeHtml(`${shop.storefrontUrl}/cart`)}">Return to cart</a></p>` : "");

function cartOr404(shop: ShopState, token: string | undefined, key: string | null): CartRecord {
  const cart = shop.carts.byToken(token ?? "", key);
  if (!cart) throw new HttpError(404, "this checkout does not exist");
  return cart;
}

export function hostedCheckoutRoutes(shop: ShopState): Routes {
  return {
    "GET /cart/c/:token": (ctx) => {
      const cart = cartOr404(shop, ctx.params.token, ctx.query.get("key"));
      if (cart.completedOrderId !== null) return page(ctx.res, 200, "Order confirmed", `<h1>This order is already placed</h1>${backToCart(shop)}`);
      if (cart.lines.length === 0) return page(ctx.res, 200, "Checkout", `<h1>Your cart is empty</h1>${backToCart(shop)}`);
      page(
        ctx.res,
        200,
        `Checkout · ${shop.shopName}`,
        `<h1>Checkout</h1>${summary(shop, cart)}
<form method="post" action="/cart/c/${escapeHtml(cart.token)}?key=${escapeHtml(cart.key)}">
<label for="email">Email</label><input id="email" name="email" type="email" value="shopper@example.com" required>
<p><button type="submit">Pay now</button></p></form>${backToCart(shop)}`,
      );
      return undefined;
    },
    "POST /cart/c/:token": async (ctx) => {
      const cart = cartOr404(shop, ctx.params.token, ctx.query.get("key"));
      if (cart.completedOrderId !== null) return page(ctx.res, 409, "Order confirmed", `<h1>This order is already placed</h1>${backToCart(shop)}`);
      const form = new URLSearchParams((await ctx.rawBody()).toString("utf8"));
      const email = form.get("email") ?? undefined;
      const outcome = checkout(shop, { lines: cart.lines.map((l) => ({ sku: l.variant.sku, quantity: l.quantity })), ...(email ? { email } : {}) });
      if (!outcome.ok) {
        const items = outcome.shortages
          .map((s) => {
            const variant = shop.catalog.variantBySku(s.sku);
            const name = variant ? `${variant.product.title} — ${variant.title}` : s.sku;
            return `<li data-sku="${escapeHtml(s.sku)}" data-available="${s.available}">${escapeHtml(name)}: ${s.available === 0 ? "sold out" : `only ${s.available} left`} (you asked for ${s.requested})</li>`;
          })
          .join("");
        return page(
          ctx.res,
          409,
          "Some items are no longer available",
          `<h1>Some items are no longer available</h1><div class="alert" role="alert"><p>Your order was not placed and you were not charged. Stock ran out while you were checking out:</p><ul>${items}</ul></div>${backToCart(shop)}`,
        );
      }
      cart.completedOrderId = outcome.result.orderId;
      page(
        ctx.res,
        200,
        "Order confirmed",
        `<h1>Thank you!</h1><div class="ok" role="status">Order <strong data-testid="order-name">${escapeHtml(outcome.result.name)}</strong> is confirmed.</div>${summary(shop, cart)}${shop.storefrontUrl ? `<p><a href="${escapeHtml(shop.storefrontUrl)}">Continue shopping</a></p>` : ""}`,
      );
      return undefined;
    },
  };
}
