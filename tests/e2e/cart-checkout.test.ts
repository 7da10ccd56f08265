import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../harness/chromium";
import { eventually, getStock, stack } from "../support/stack-client";
import { badgeNumber, SETTLE_MS, setOnlineStock, variantIdOf } from "../support/storefront-helpers";

/** Cart and checkout in real Chromium: our cart, Shopify's (emulated) hosted checkout, live stock between them. */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const shopifyStats = async () =>
  (await (await fetch(`${stack().emulators.shopify}/_emulator/stats`)).json()) as { checkouts: number; checkoutsRefused: number };

/** A fresh shopper (own cookies) with `quantity` of a SKU in the cart, on the cart page. */
async function shopperWithCart(handle: string, sku: string, quantity: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${stack().appUrl}/products/${handle}?variant=${await variantIdOf(sku)}`);
  await badgeNumber(page, `stock-${sku}`);
  await page.getByLabel("Quantity").selectOption(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.getByTestId("cart-message").getByText("Added to your cart.").waitFor();
  await expect.poll(() => page.getByTestId("cart-link").textContent()).toContain(String(quantity));
  await page.getByRole("link", { name: "View cart" }).click();
  await page.getByTestId(`cart-line-${sku}`).waitFor();
  return page;
}

describe("cart and checkout", () => {
  it("add to cart, check out at Shopify, and the order reserves the stock", async () => {
    const sku = "SCK-GRN";
    await setOnlineStock(sku, 10);
    const page = await shopperWithCart("wool-socks", sku, 2);
    expect(await page.getByTestId("line-quantity").inputValue()).toBe("2");
    await page.getByRole("button", { name: "Check out" }).click();
    await page.waitForURL(`${stack().emulators.shopify}/cart/c/**`);
    await page.getByRole("button", { name: "Pay now" }).click();
    await page.getByRole("heading", { name: "Thank you!" }).waitFor();
    expect(await page.getByTestId("order-name").textContent()).toMatch(/^#\d+$/);
    // Shopify's orders/create reached the stock layer: two fewer to sell.
    expect(
      (
        await eventually(
          () => getStock(sku),
          (s) => s.skus[sku]?.available === 8,
          SETTLE_MS,
        )
      ).skus[sku]?.available,
    ).toBe(8);
    // The cart went through checkout: the store shows an empty cart.
    await page.getByRole("link", { name: "Continue shopping" }).click();
    await page.goto(`${stack().appUrl}/cart`);
    await page.getByText("Your cart is empty.").waitFor();
    await expect.poll(() => page.getByTestId("cart-link").textContent()).toContain("0");
    await page.context().close();
  });

  it("two shoppers race for the last unit: one order, one clear refusal, and the cart offers removal", async () => {
    const sku = "DWN-RED-L";
    await setOnlineStock(sku, 1);
    const [a, b] = await Promise.all([shopperWithCart("down-jacket", sku, 1), shopperWithCart("down-jacket", sku, 1)]);
    for (const page of [a, b]) {
      await page.getByRole("button", { name: "Check out" }).click();
      await page.waitForURL(`${stack().emulators.shopify}/cart/c/**`);
    }
    const before = await shopifyStats();
    await Promise.all([a, b].map((page) => page.getByRole("button", { name: "Pay now" }).click()));
    const outcome = async (page: Page) => (await page.getByRole("heading").first().textContent()) ?? "";
    const headings = await Promise.all([a, b].map(outcome));
    expect([...headings].sort()).toEqual(["Some items are no longer available", "Thank you!"]);
    const after = await shopifyStats();
    expect(after.checkouts - before.checkouts).toBe(1);
    expect(after.checkoutsRefused - before.checkoutsRefused).toBe(1);

    const loser = headings[0] === "Thank you!" ? b : a;
    expect(await loser.getByRole("alert").textContent()).toContain("Packable Down Jacket — Red / L: sold out");
    await loser.getByRole("link", { name: "Return to cart" }).click();
    await loser.waitForURL(`${stack().appUrl}/cart`);
    const offer = loser.getByTestId("line-shortfall");
    await offer.waitFor({ timeout: SETTLE_MS });
    expect(await offer.textContent()).toContain("Sold out");
    expect(await loser.getByRole("button", { name: "Check out" }).isDisabled()).toBe(true);
    await loser.getByRole("button", { name: "Remove it" }).click();
    await loser.getByText("Your cart is empty.").waitFor();
    await Promise.all([a.context().close(), b.context().close()]);
  });

  it("stock dropping under a line's quantity: the cart offers what is left, and checkout goes on with it", async () => {
    const sku = "MUG-SND";
    await setOnlineStock(sku, 5);
    const page = await shopperWithCart("ceramic-mug", sku, 3);
    await setOnlineStock(sku, 2);
    const offer = page.getByTestId("line-shortfall");
    await offer.waitFor({ timeout: SETTLE_MS });
    expect(await offer.textContent()).toContain("Only 2 left — you asked for 3.");
    await page.getByRole("button", { name: "Change to 2" }).click();
    await expect.poll(() => page.getByTestId("line-quantity").inputValue()).toBe("2");
    await expect.poll(() => offer.count()).toBe(0);
    await page.getByRole("button", { name: "Check out" }).click();
    await page.waitForURL(`${stack().emulators.shopify}/cart/c/**`);
    expect(await page.getByRole("table", { name: "Order summary" }).textContent()).toContain("× 2");
    await page.context().close();
  });

  it("checkout re-checks live stock on the server, even when the page has not seen the drop", async () => {
    const sku = "RSH-YLW-M";
    await setOnlineStock(sku, 3);
    const page = await shopperWithCart("rain-shell", sku, 3);
    await page.route("**/api/stock**", (route) => route.abort());
    await page.reload();
    await setOnlineStock(sku, 1);
    await page.getByRole("button", { name: "Check out" }).click();
    await page.getByTestId("checkout-message").waitFor();
    expect(await page.getByTestId("checkout-message").textContent()).toBe("Some items sold out while they were in your cart.");
    expect(await page.getByTestId("line-shortfall").textContent()).toContain("Only 1 left — you asked for 3.");
    expect(page.url()).toBe(`${stack().appUrl}/cart`);
    await page.context().close();
  });
});
