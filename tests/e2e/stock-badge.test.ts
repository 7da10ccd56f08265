import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../harness/chromium";
import { stack } from "../support/stack-client";
import { badgeNumber, setOnlineStock, variantIdOf } from "../support/storefront-helpers";

/**
 * The stock badge's promises on a real PDP in Chromium (the trail runner, which no other
 * stack test touches): refresh on focus and on reconnect, a kept number dropped once it is
 * older than 30 s, one live region that persists, sold-out sizes struck through, the
 * quantity capped at what is left. For focus and reconnect the server's answer is rewritten
 * to poll hourly, so a new number can only come from the event under test; for staleness
 * time is Playwright's fake clock.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const CASE_MS = 120_000;

async function openPdp(sku: string, { clock = true, pollMs }: { clock?: boolean; pollMs?: number } = {}): Promise<Page> {
  const page = await browser.newPage();
  readsByPage.set(page, stockReads(page));
  if (clock) await page.clock.install();
  // The real answer with a longer `refreshMs` (the badge polls at what the server says): no poll can land during the test.
  if (pollMs !== undefined)
    await page.route("**/api/stock?*", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...((await response.json()) as object), refreshMs: pollMs } });
    });
  await page.goto(`${stack().appUrl}/products/trail-runner?variant=${await variantIdOf(sku)}`);
  return page;
}

/** Stop the page's clock (a little ahead, so no refresh is half-due) and let in-flight reads land. */
async function freeze(page: Page): Promise<void> {
  await page.clock.pauseAt(new Date(Date.now() + 1_000));
  await readsOf(page).settled();
}

/**
 * Counts the page's /api/stock reads: started, answered or failed, and answered 200. `settled`
 * waits until every started read has its answer, plus a moment for the page to render it.
 */
function stockReads(page: Page) {
  let started = 0;
  let finished = 0;
  let good = 0;
  const isStock = (url: string) => url.includes("/api/stock?");
  page.on("request", (r) => isStock(r.url()) && started++);
  page.on("requestfailed", (r) => isStock(r.url()) && finished++);
  page.on("response", (r) => {
    if (!isStock(r.url())) return;
    finished++;
    if (r.status() === 200) good++;
  });
  return {
    started: () => started,
    answered: () => good,
    settled: async () => {
      await expect.poll(() => finished >= started, { timeout: 10_000, interval: 20 }).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the fetch's promise resolves, React commits
    },
  };
}

type StockReads = ReturnType<typeof stockReads>;
const readsByPage = new WeakMap<Page, StockReads>();
const readsOf = (page: Page): StockReads =>
  readsByPage.get(page) ??
  (() => {
    throw new Error("page not opened by openPdp");
  })();

const badge = (page: Page, sku: string) => page.getByTestId(`stock-${sku}`);

describe("stock badge on the PDP", () => {
  it(
    "sold-out sizes are struck through, the quantity is capped at what is left, one live region announces changes",
    async () => {
      await Promise.all([setOnlineStock("TRL-GRY-41", 3), setOnlineStock("TRL-GRY-42", 0), setOnlineStock("TRL-GRY-43", 12)]);
      const page = await openPdp("TRL-GRY-41");
      try {
        expect(await badgeNumber(page, "stock-TRL-GRY-41")).toBe(3);
        expect(await badge(page, "TRL-GRY-41").getAttribute("aria-live")).toBe("polite");
        expect(await badge(page, "TRL-GRY-41").textContent()).toContain("Only 3 left");

        const size = (value: string) => page.getByRole("button", { name: new RegExp(`^${value}`) });
        await expect.poll(() => size("42").getAttribute("class"), { timeout: 10_000 }).toContain("line-through");
        expect(await size("42").textContent()).toContain("(sold out)");
        expect(await size("43").getAttribute("class")).not.toContain("line-through");
        expect(await size("41").getAttribute("class")).not.toContain("line-through");

        // 3 left: the quantity offers 1–3 only; Add to cart is on.
        expect(await page.locator("select#quantity option").allTextContents()).toEqual(["1", "2", "3"]);
        expect(await page.getByRole("button", { name: "Add to cart" }).isEnabled()).toBe(true);

        // The same node (the live region) takes the new number: a screen reader hears it.
        await badge(page, "TRL-GRY-41").evaluate((el) => el.setAttribute("data-marked", "1"));
        await setOnlineStock("TRL-GRY-41", 2);
        await expect.poll(() => badge(page, "TRL-GRY-41").getAttribute("data-available"), { timeout: 15_000 }).toBe("2");
        expect(await badge(page, "TRL-GRY-41").getAttribute("data-marked")).toBe("1");
        expect(await page.locator("select#quantity option").allTextContents()).toEqual(["1", "2"]);

        // More than 10 left: capped at 10.
        await size("43").click();
        expect(await badgeNumber(page, "stock-TRL-GRY-43")).toBe(12);
        expect(await page.locator("select#quantity option").count()).toBe(10);

        // A sold-out size: nothing to choose, nothing to add.
        await size("42").click();
        await badge(page, "TRL-GRY-42").waitFor();
        expect(await badge(page, "TRL-GRY-42").textContent()).toContain("Sold out");
        expect(await page.locator("select#quantity").isDisabled()).toBe(true);
        expect(await page.getByRole("button", { name: "Sold out", exact: true }).isDisabled()).toBe(true);
      } finally {
        await page.close();
      }
    },
    CASE_MS,
  );

  it(
    "refreshes when the tab regains focus, with the poll an hour away",
    async () => {
      await setOnlineStock("TRL-GRY-44", 11);
      const page = await openPdp("TRL-GRY-44", { clock: false, pollMs: 3_600_000 });
      try {
        expect(await badgeNumber(page, "stock-TRL-GRY-44")).toBe(11);
        await page.waitForLoadState("networkidle");
        await setOnlineStock("TRL-GRY-44", 8);
        expect(await badge(page, "TRL-GRY-44").getAttribute("data-available")).toBe("11");
        // SWR ignores focus events within 5 s of the last one it acted on (the page's own first focus): focus again until it acts.
        const focused = async () => {
          await page.evaluate(() => window.dispatchEvent(new Event("focus")));
          return badge(page, "TRL-GRY-44").getAttribute("data-available");
        };
        await expect.poll(focused, { timeout: 20_000 }).toBe("8");
      } finally {
        await page.close();
      }
    },
    CASE_MS,
  );

  it(
    "refreshes when the network comes back, with the poll an hour away",
    async () => {
      await setOnlineStock("TRL-GRY-44", 9);
      const page = await openPdp("TRL-GRY-44", { clock: false, pollMs: 3_600_000 });
      try {
        expect(await badgeNumber(page, "stock-TRL-GRY-44")).toBe(9);
        await page.waitForLoadState("networkidle");
        await setOnlineStock("TRL-GRY-44", 6);
        expect(await badge(page, "TRL-GRY-44").getAttribute("data-available")).toBe("9");
        await page.context().setOffline(true);
        await page.context().setOffline(false);
        await expect.poll(() => badge(page, "TRL-GRY-44").getAttribute("data-available"), { timeout: 10_000 }).toBe("6");
      } finally {
        await page.close();
      }
    },
    CASE_MS,
  );

  it(
    "keeps the last number through failed reads for 30 s, then stops showing it; a good read brings it back",
    async () => {
      await setOnlineStock("TRL-GRY-43", 12);
      const page = await openPdp("TRL-GRY-43");
      // The server's time of the last good answer: the badge's 30 s count from there.
      let asOf = 0;
      const reads = readsOf(page);
      page.on("response", (r) => {
        if (r.url().includes("/api/stock?") && r.status() === 200)
          void r.json().then(
            (b: { asOf: string }) => (asOf = Math.max(asOf, Date.parse(b.asOf))),
            () => undefined,
          );
      });
      try {
        expect(await badgeNumber(page, "stock-TRL-GRY-43")).toBe(12);
        await freeze(page);
        expect(asOf).toBeGreaterThan(0);
        await page.route("**/api/stock?*", (route) => route.fulfill({ status: 503, body: "down" }));

        // The next poll fails: the number stays, marked as being checked (step the clock until a
        // poll has been answered 503; its timers run on the page's clock).
        let checking: string | null = null;
        for (let i = 0; i < 20 && checking !== "true"; i++) {
          await page.clock.runFor(1_000);
          checking = await page
            .waitForFunction(() => document.querySelector("[data-testid='stock-TRL-GRY-43']")?.getAttribute("data-checking") === "true", undefined, {
              timeout: 1_000,
            })
            .then(
              () => "true",
              () => "false",
            );
        }
        expect(checking).toBe("true");
        expect(await badge(page, "TRL-GRY-43").getAttribute("data-available")).toBe("12");

        // Retries keep failing. Run the page's clock to just before the cutoff (STALE_AFTER_MS = 30 s
        // after the last good answer): every retry due meanwhile fires and is refused, the number stays.
        const pageNow = () => page.evaluate(() => Date.now());
        await page.clock.runFor(asOf + 30_000 - 20 - (await pageNow()));
        await reads.settled();
        expect(await badge(page, "TRL-GRY-43").getAttribute("data-available")).toBe("12");
        // Across the cutoff, the number goes at once (a render of its own, not whenever a backed-off retry lands).
        await page.clock.runFor(40);
        await page.waitForFunction(() => document.querySelector("[data-testid='stock-TRL-GRY-43']")?.getAttribute("data-available") === "", undefined, {
          timeout: 10_000,
        });
        expect((await pageNow()) - asOf).toBeGreaterThan(30_000);
        expect(await badge(page, "TRL-GRY-43").textContent()).toContain("Checking stock");

        // Reads work again: the next retry (backing off, so step the clock up to 15 min) brings the number back.
        const goodBefore = reads.answered();
        await page.unroute("**/api/stock?*");
        for (let i = 0; i < 30 && reads.answered() === goodBefore; i++) {
          const before = reads.started();
          await page.clock.runFor(30_000);
          if (reads.started() > before) await reads.settled();
        }
        await page.waitForFunction(() => document.querySelector("[data-testid='stock-TRL-GRY-43']")?.getAttribute("data-available") === "12", undefined, {
          timeout: 10_000,
        });
        expect(await badge(page, "TRL-GRY-43").getAttribute("data-available")).toBe("12");
        expect(await badge(page, "TRL-GRY-43").getAttribute("data-checking")).toBe("false");
      } finally {
        await page.close();
      }
    },
    CASE_MS,
  );
});
