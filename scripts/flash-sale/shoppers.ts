import type { APIRequestContext, Browser, Page } from "playwright";
import { z } from "zod";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import type { ApiChannel, PlannedAction } from "./plan";
import type { BadgeRead } from "./truth";

/**
 * The people in the sale. API buyers hit the channels' own checkouts (Playwright request
 * contexts); browser shoppers use the real storefront in Chromium. Each reports what happened
 * and when, which is all the oracle needs.
 */
export interface Accepted {
  at: number;
  channel: ApiChannel;
  sku: string;
  quantity: number;
}

export type BuyOutcome = { kind: "accepted"; sale: Accepted } | { kind: "refused" } | { kind: "failed"; reason: string };

export interface World {
  shopify: string;
  marketplace: string;
  pos: string;
  wms: string;
  /** Where the store POS sells from. */
  posLocation: string;
}

const shelfSchema = z.record(z.string(), z.record(z.string(), z.number()));

/** One API-level buyer: Shopify's checkout, the marketplace's buy button, or a store till. */
export async function buy(request: APIRequestContext, world: World, action: Extract<PlannedAction, { kind: "buy" }>): Promise<BuyOutcome> {
  const { channel, sku, quantity } = action;
  const accepted = (): BuyOutcome => ({ kind: "accepted", sale: { at: Date.now(), channel, sku, quantity } });
  try {
    if (channel === "shopify") {
      const response = await request.post(`${world.shopify}/_emulator/checkout`, { data: { lines: [{ sku, quantity }] } });
      return response.ok() ? accepted() : response.status() === 409 ? { kind: "refused" } : { kind: "failed", reason: `checkout ${response.status()}` };
    }
    if (channel === "marketplace") {
      const response = await request.post(`${world.marketplace}/_emulator/purchase`, { data: { sku, quantity } });
      return response.ok() ? accepted() : response.status() === 409 ? { kind: "refused" } : { kind: "failed", reason: `purchase ${response.status()}` };
    }
    // A walk-in shopper can only buy what is on the store's shelf, not units set aside for open orders.
    const shelf = shelfSchema.parse(await (await request.get(`${world.wms}/_emulator/shelf`)).json());
    if ((shelf[sku]?.[world.posLocation] ?? 0) < quantity) return { kind: "refused" };
    // The till re-checks as it sells (two walk-ins cannot carry off one unit): 409 is a refusal.
    const response = await request.post(`${world.pos}/_emulator/sale`, { data: { lines: [{ sku, quantity }] } });
    return response.ok() ? accepted() : response.status() === 409 ? { kind: "refused" } : { kind: "failed", reason: `sale ${response.status()}` };
  } catch (error) {
    return { kind: "failed", reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
}

export type BrowserOutcome = "ordered" | "refused" | "saw_sold_out" | "failed";

export interface BrowserShopperOptions {
  browser: Browser;
  appUrl: string;
  action: Extract<PlannedAction, { kind: "browser" }>;
  variantIds: ReadonlyMap<string, string>;
  /** ours: our cart re-checks live stock, then Shopify's checkout; naive: straight to Shopify's checkout. */
  mode: "ours" | "naive";
  /** naive: what the 90-s cached page says (the badge's requests are answered from it). */
  naiveStock?: (sku: string) => Promise<number>;
  /** naive: the cart's Shopify checkout URL, from its id. */
  checkoutUrlOf?: (cartId: string) => Promise<string>;
  onRead(read: BadgeRead): void;
  screenshot?: (label: string, page: Page) => Promise<void>;
}

const stockPayloadSchema = z.object({ skus: z.record(z.string(), z.object({ available: z.number() })) });

function variantOptions(sku: string): Record<string, string> {
  for (const product of demoCatalog.products) for (const variant of product.variants) if (variant.sku === sku) return variant.options ?? {};
  return {};
}

export function productHandle(sku: string): string {
  const product = demoCatalog.products.find((p) => p.variants.some((v) => v.sku === sku));
  if (!product) throw new Error(`no product for ${sku}`);
  return product.handle;
}

/**
 * A real shopper in Chromium: lands on the product (on another variant when there is one),
 * switches to the one they want, watches the live badge, adds to cart and checks out.
 */
export async function browserShopper(opts: BrowserShopperOptions): Promise<{ outcome: BrowserOutcome; acceptedAt: number | null; detail: string }> {
  const { action, browser } = opts;
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  try {
    if (opts.mode === "naive") {
      // The naive store renders stock into a page cached for 90 s: answer the badge from that cache.
      await page.route("**/api/stock?**", async (route) => {
        const skus = new URL(route.request().url()).searchParams.getAll("sku");
        const entries = await Promise.all(skus.map(async (sku) => [sku, await opts.naiveStock!(sku)] as const));
        const now = Date.now();
        for (const [sku, shown] of entries) opts.onRead({ at: now, sku, shown });
        const body = {
          asOf: new Date(now).toISOString(),
          channel: "shopify",
          refreshMs: 1_000,
          skus: Object.fromEntries(
            entries.map(([sku, n]) => [sku, { available: n, status: n === 0 ? "sold_out" : n <= 5 ? "low_stock" : "in_stock", locations: {} }]),
          ),
        };
        await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
      });
    } else {
      page.on("response", (response) => {
        if (!response.url().includes("/api/stock?") || !response.ok()) return;
        void response.json().then(
          (json: unknown) => {
            const parsed = stockPayloadSchema.safeParse(json);
            if (parsed.success) for (const [sku, s] of Object.entries(parsed.data.skus)) opts.onRead({ at: Date.now(), sku, shown: s.available });
          },
          () => undefined,
        );
      });
    }
    const landOn = action.switchFrom ?? action.sku;
    await page.goto(`${opts.appUrl}/products/${productHandle(action.sku)}?variant=${opts.variantIds.get(landOn)}`);
    await page.waitForFunction((id) => (document.querySelector(`[data-testid='${id}']`)?.getAttribute("data-available") ?? "") !== "", `stock-${landOn}`);
    if (action.switchFrom) {
      const current = variantOptions(action.switchFrom);
      for (const [name, value] of Object.entries(variantOptions(action.sku))) {
        if (current[name] === value) continue;
        await page
          .locator("fieldset", { hasText: `${name}:` })
          .getByRole("button", { name: new RegExp(`^${value}( \\(sold out\\))?$`) })
          .click();
      }
      await page.waitForURL((url) => url.searchParams.get("variant") === opts.variantIds.get(action.sku));
    }
    const badge = page.getByTestId(`stock-${action.sku}`);
    await badge.waitFor();
    await page.waitForTimeout(action.dwellMs);
    await opts.screenshot?.("product page", page);
    const addToCart = page.getByRole("button", { name: "Add to cart" });
    if ((await addToCart.count()) === 0 || (await addToCart.isDisabled()))
      return { outcome: "saw_sold_out", acceptedAt: null, detail: `badge: ${await badge.textContent()}` };
    await addToCart.click();
    const message = page.getByTestId("cart-message");
    await page.waitForFunction(() => (document.querySelector("[data-testid='cart-message']")?.textContent ?? "").trim() !== "");
    if (!((await message.textContent()) ?? "").includes("Added to your cart"))
      return { outcome: "refused", acceptedAt: null, detail: `add to cart: ${await message.textContent()}` };
    if (opts.mode === "ours") {
      await page.goto(`${opts.appUrl}/cart`);
      await page.getByTestId(`cart-line-${action.sku}`).waitFor();
      const checkout = page.getByRole("button", { name: "Check out" });
      if (await checkout.isDisabled()) return { outcome: "refused", acceptedAt: null, detail: "our cart: sold out before checkout" };
      await checkout.click();
      const where = await Promise.race([
        page.waitForURL("**/cart/c/**").then(() => "checkout" as const),
        page
          .getByTestId("line-shortfall")
          .waitFor()
          .then(() => "shortfall" as const),
      ]);
      if (where === "shortfall") return { outcome: "refused", acceptedAt: null, detail: "our cart: live stock re-check refused" };
    } else {
      const cartId = (await context.cookies()).find((c) => c.name === "cart")?.value;
      if (!cartId) return { outcome: "failed", acceptedAt: null, detail: "no cart cookie" };
      await page.goto(await opts.checkoutUrlOf!(decodeURIComponent(cartId)));
    }
    await page.getByRole("button", { name: "Pay now" }).click();
    const ordered = await Promise.race([
      page
        .getByRole("heading", { name: "Thank you!" })
        .waitFor()
        .then(() => true),
      page
        .getByRole("heading", { name: "Some items are no longer available" })
        .waitFor()
        .then(() => false),
    ]);
    const acceptedAt = Date.now();
    await opts.screenshot?.(ordered ? "order placed" : "checkout refused", page);
    return ordered
      ? { outcome: "ordered", acceptedAt, detail: "Thank you!" }
      : {
          outcome: "refused",
          acceptedAt: null,
          detail: `Shopify checkout: ${
            (await page
              .getByRole("alert")
              .first()
              .textContent()
              .catch(() => "")) ?? ""
          }`,
        };
  } catch (error) {
    return { outcome: "failed", acceptedAt: null, detail: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  } finally {
    await context.close().catch(() => undefined);
  }
}
