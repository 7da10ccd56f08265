import path from "node:path";
import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { launchChromium } from "../../harness/chromium";
import { PAGE_PROBE, settledBadgeShift } from "../../harness/page-probe";
import { eventually, getStock, postWms, stack, wmsEvent } from "../support/stack-client";
import { badgeNumber, SCREENSHOTS, SETTLE_MS, setOnlineStock, variantIdOf } from "../support/storefront-helpers";

/** Home grid and product pages in real Chromium against the whole local stack. */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

/** A value on `window` survives only if no navigation happened. */
const marker = (page: Page) => page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()));
const markerOf = (page: Page) => page.evaluate(() => (window as unknown as { marker?: number }).marker);
const statusOf = (page: Page, testId: string, status: string, timeout: number) =>
  page.waitForFunction(([id, s]) => document.querySelector(`[data-testid='${id}']`)?.getAttribute("data-status") === s, [testId, status] as const, { timeout });

describe("home grid", () => {
  it("lists the catalog from the Storefront API with one live badge per product that follows the warehouse without a reload", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(stack().appUrl);
    await page.getByRole("heading", { name: "All products" }).waitFor();
    expect(await page.getByRole("link", { name: demoCatalog.products[0]!.title }).count()).toBe(1);
    expect(await page.locator("[data-testid^='stock-product-']").count()).toBe(demoCatalog.products.length);
    const tee = demoCatalog.products[0]!;
    const before = await badgeNumber(page, `stock-product-${tee.handle}`);
    const live = await getStock(...tee.variants.map((v) => v.sku));
    expect(before).toBe(Object.values(live.skus).reduce((sum, s) => sum + s.available, 0));

    const id = await marker(page);
    const sum = async () => Object.values((await getStock(...tee.variants.map((v) => v.sku))).skus).reduce((total, s) => total + s.available, 0);
    expect((await postWms(wmsEvent(tee.variants[0]!.sku, "receipt", 10))).status).toBe(202);
    const now = await eventually(sum, (n) => n > before);
    expect(now).toBeGreaterThan(before);
    // A generous bound: how soon is bench:pdp's to measure, this test only needs it to happen without a reload.
    await page.waitForFunction(
      ([handle, n]) => Number(document.querySelector(`[data-testid='stock-product-${handle}']`)?.getAttribute("data-available")) === n,
      [tee.handle, now] as const,
      {
        timeout: SETTLE_MS,
      },
    );
    expect(await markerOf(page)).toBe(id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("tells how many options of a product are sold out (the seed's sold-out runner)", async () => {
    const page = await browser.newPage();
    await page.goto(stack().appUrl);
    const runner = demoCatalog.products[1]!;
    await page.waitForFunction(
      (h) => (document.querySelector(`[data-testid='stock-product-${h}']`)?.getAttribute("data-status") ?? "checking") !== "checking",
      runner.handle,
      { timeout: SETTLE_MS },
    );
    const live = await getStock(...runner.variants.map((v) => v.sku));
    const soldOut = Object.values(live.skus).filter((s) => s.status === "sold_out").length;
    expect(soldOut).toBeGreaterThanOrEqual(1);
    // On the runner's own card: another four-option product may show the same words (other files' sales).
    const card = page.getByRole("listitem").filter({ has: page.getByTestId(`stock-product-${runner.handle}`) });
    await expect.poll(() => card.getByText(`${soldOut} of ${runner.variants.length} sold out`).count()).toBe(1);
    await page.close();
  });
});

describe("product page", () => {
  it("renders from the static shell with the right badge; a warehouse event changes it on a later refresh, without a reload; sold out disables add to cart", async () => {
    const sku = "BNE-RST";
    await setOnlineStock(sku, 20);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${stack().appUrl}/products/merino-beanie?variant=${await variantIdOf(sku)}`);
    expect(response?.headers()["x-nextjs-cache"]).toBe("HIT");
    expect(await page.getByTestId("product-title").textContent()).toBe("Merino Beanie");
    expect(await badgeNumber(page, `stock-${sku}`)).toBe(20);
    expect(await page.getByTestId(`stock-${sku}`).textContent()).toContain("In stock");

    const id = await marker(page);
    expect((await postWms(wmsEvent(sku, "pick", 17, { orderId: `o-${Date.now()}`, lineId: "1" }))).status).toBe(202);
    await eventually(
      () => getStock(sku),
      (s) => s.skus[sku]?.available === 3,
      SETTLE_MS,
    );
    // The page only polls; seeing the new number without a navigation is the claim. How fast is bench:pdp's.
    await page.waitForFunction((s) => document.querySelector(`[data-testid='stock-${s}']`)?.textContent?.includes("Only 3 left"), sku, { timeout: SETTLE_MS });
    // East, a pickup location, holds them all.
    expect(await page.getByTestId("pickup").textContent()).toBe("Pick up today at East warehouse (Newark)");

    await setOnlineStock(sku, 0);
    await statusOf(page, `stock-${sku}`, "sold_out", SETTLE_MS);
    expect(await page.getByRole("button", { name: "Sold out", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByTestId("pickup").textContent()).toBe("");
    expect(await markerOf(page)).toBe(id);
    await page.close();
  });

  it("switches variant without a navigation: URL, price, image and badge follow; back restores", async () => {
    const [small, large, white] = ["TEE-NVY-S", "TEE-NVY-L", "TEE-WHT-L"];
    await Promise.all([setOnlineStock(small, 30), setOnlineStock(large, 4), setOnlineStock(white, 0)]);
    const page = await browser.newPage();
    await page.goto(`${stack().appUrl}/products/classic-tee?variant=${await variantIdOf(small)}`);
    expect(await badgeNumber(page, `stock-${small}`)).toBe(30);
    expect(await page.getByTestId("product-price").textContent()).toBe("$28.00");
    expect(await page.locator("article img").first().getAttribute("src")).toContain("classic-tee-navy.svg");
    const id = await marker(page);

    await page.getByRole("button", { name: "L", exact: true }).click();
    await page.waitForURL(`**/products/classic-tee?variant=${await variantIdOf(large)}`);
    expect(await badgeNumber(page, `stock-${large}`)).toBe(4);
    expect(await page.getByTestId(`stock-${large}`).textContent()).toContain("Only 4 left");
    expect(await page.getByTestId("product-price").textContent()).toBe("$30.00");

    await page.getByRole("button", { name: /^White/ }).click();
    await page.waitForURL(`**/products/classic-tee?variant=${await variantIdOf(white)}`);
    await statusOf(page, `stock-${white}`, "sold_out", SETTLE_MS);
    expect(await page.locator("article img").first().getAttribute("src")).toContain("classic-tee-white.svg");
    expect(await page.getByRole("button", { name: "Sold out", exact: true }).isDisabled()).toBe(true);

    await page.goBack();
    await page.waitForURL(`**/products/classic-tee?variant=${await variantIdOf(large)}`);
    expect(await badgeNumber(page, `stock-${large}`)).toBe(4);
    expect(await page.locator("article img").first().getAttribute("src")).toContain("classic-tee-navy.svg");
    await page.goBack();
    await page.waitForURL(`**/products/classic-tee?variant=${await variantIdOf(small)}`);
    expect(await badgeNumber(page, `stock-${small}`)).toBe(30);
    expect(await page.getByTestId("product-price").textContent()).toBe("$28.00");
    expect(await markerOf(page)).toBe(id);
    await page.close();
  });

  it("keeps the last number and says it is checking when /api/stock fails; never a number from nothing", async () => {
    const sku = "BNE-CHR";
    await setOnlineStock(sku, 12);
    const url = `${stack().appUrl}/products/merino-beanie?variant=${await variantIdOf(sku)}`;
    const page = await browser.newPage();
    let failing = false;
    await page.route("**/api/stock**", (route) => (failing ? route.fulfill({ status: 503, body: "{}" }) : route.continue()));
    await page.goto(url);
    expect(await badgeNumber(page, `stock-${sku}`)).toBe(12);
    failing = true;
    await page.waitForFunction((s) => document.querySelector(`[data-testid='stock-${s}']`)?.getAttribute("data-checking") === "true", sku, {
      timeout: SETTLE_MS,
    });
    expect(await page.getByTestId(`stock-${sku}`).getAttribute("data-available")).toBe("12");
    expect(await page.getByTestId(`stock-${sku}`).textContent()).toContain("checking stock");

    const fresh = await browser.newPage();
    let asked = 0;
    await fresh.route("**/api/stock**", (route) => {
      asked++;
      return route.fulfill({ status: 503, body: "{}" });
    });
    await fresh.goto(url);
    await expect.poll(() => asked, { timeout: SETTLE_MS }).toBeGreaterThan(0);
    expect(await fresh.getByTestId(`stock-${sku}`).textContent()).toBe("Checking stock…");
    expect(await fresh.getByTestId(`stock-${sku}`).getAttribute("data-available")).toBe("");
    expect(await fresh.getByRole("button", { name: "Add to cart" }).isEnabled()).toBe(true);
    await Promise.all([page.close(), fresh.close()]);
  });

  it("unknown handles are a 404 page", async () => {
    expect((await fetch(`${stack().appUrl}/products/no-such-thing`)).status).toBe(404);
  });

  it("badges cause no layout shift when they hydrate; screenshots of home and PDP, desktop and mobile", async () => {
    const badgeShift = (page: Page) => settledBadgeShift(page, SETTLE_MS);
    for (const [name, viewport] of [
      ["desktop", { width: 1280, height: 900 }],
      ["mobile", { width: 390, height: 844 }],
    ] as const) {
      const page = await browser.newPage({ viewport, deviceScaleFactor: name === "mobile" ? 2 : 1 });
      await page.addInitScript({ content: PAGE_PROBE });
      await page.goto(stack().appUrl);
      expect(await badgeShift(page)).toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `home-${name}.png`) });
      await page.goto(`${stack().appUrl}/products/classic-tee`);
      expect(await badgeShift(page)).toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `pdp-${name}.png`), fullPage: true });
      await page.close();
    }
  });
});
