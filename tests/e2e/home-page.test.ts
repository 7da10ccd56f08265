import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { eventually, getStock, postWms, stack, wmsEvent } from "../support/stack-client";
import { launchChromium } from "../support/browser";

const artifacts = path.resolve(import.meta.dirname, "..", "..", "test-results", "screenshots");
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe("storefront home in real Chromium", () => {
  it("lists the demo products with live stock, and a warehouse event updates a badge without a reload", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(stack().appUrl);
    await page.getByRole("heading", { name: "All products" }).waitFor();
    const first = demoCatalog.products[0]!.variants[0]!.sku;
    const badge = page.getByTestId(`stock-${first}`);
    await badge.and(page.locator("[data-available]:not([data-available=''])")).waitFor({ timeout: 10_000 });
    const before = Number(await badge.getAttribute("data-available"));
    expect(await page.locator("[data-testid^='stock-']").count()).toBeGreaterThanOrEqual(30);

    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()));
    expect((await postWms(wmsEvent(first, "receipt", 10))).status).toBe(202);
    const after = (await eventually(() => getStock(first), (s) => (s.skus[first]?.available ?? 0) > before)).skus[first]!.available;
    expect(after).toBeGreaterThan(before);
    await page.waitForFunction(([sku, n]) => document.querySelector(`[data-testid='stock-${sku}']`)?.getAttribute("data-available") === String(n), [first, after] as const, { timeout: 10_000 });
    // Same document: the number changed by polling, not by a navigation.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker);
    await page.screenshot({ path: path.join(artifacts, "home-desktop.png"), fullPage: false });
    await page.close();
  });

  it("sold-out variants say so", async () => {
    const page = await browser.newPage();
    await page.goto(stack().appUrl);
    const soldOut = demoCatalog.products[1]!.variants[0]!.sku;
    const badge = page.getByTestId(`stock-${soldOut}`);
    await page.waitForFunction((sku) => document.querySelector(`[data-testid='stock-${sku}']`)?.getAttribute("data-status") === "sold_out", soldOut, { timeout: 10_000 });
    expect(await badge.textContent()).toBe("Sold out");
    await page.close();
  });
});
