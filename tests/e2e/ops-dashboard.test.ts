import path from "node:path";
import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../harness/chromium";
import { eventually, getStock, stack } from "../support/stack-client";
import { SCREENSHOTS, setOnlineStock } from "../support/storefront-helpers";

/** The merchant's /ops: closed without the password, useful with it. */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const noRedirect = (p: string, init: RequestInit = {}) => fetch(`${stack().appUrl}${p}`, { redirect: "manual", ...init });

/** Signed in once the sign-in page has sent the browser on (a `goto` before that would cancel the form's post). */
async function signIn(page: Page, password = stack().secrets.opsPassword): Promise<void> {
  await page.goto(`${stack().appUrl}/ops`);
  await page.waitForURL(/\/ops\/login/);
  // The form with the page's own `next` streams in after the shell's fallback form (first into a hidden
  // element, then swapped in): wait until it is the only form, since one clicked while being replaced submits nothing.
  await expect
    .poll(async () => (await page.locator("form").count()) === 1 && (await page.locator('form input[name="next"]').count()) === 1, { timeout: 20_000 })
    .toBe(true);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/ops/login");
}

describe("/ops access", () => {
  it("refuses without credentials: pages redirect to sign-in, API and form posts get 401", async () => {
    const page = await noRedirect("/ops");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toContain("/ops/login?next=%2Fops");
    expect((await noRedirect("/ops/incidents")).status).toBe(303);
    expect((await noRedirect("/ops/skus", { method: "POST", body: "x" })).status).toBe(401);
    const forged = await noRedirect("/ops", { headers: { cookie: "ops_session=v1.99999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } });
    expect(forged.status).toBe(303);
  });

  it("a wrong password is refused and says so; the session cookie is HttpOnly and SameSite=Strict", async () => {
    const wrong = await noRedirect("/api/ops/session", { method: "POST", body: new URLSearchParams({ password: "not-it", next: "/ops" }) });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toContain("error=wrong");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const right = await noRedirect("/api/ops/session", {
      method: "POST",
      body: new URLSearchParams({ password: stack().secrets.opsPassword, next: "/ops/skus" }),
    });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/ops/skus");
    expect(right.headers.get("set-cookie")).toMatch(/^ops_session=v1\.\d+\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800/);
  });
});

describe("/ops sign-in goes back where the merchant was going", () => {
  // Its own client address: these attempts do not spend the browser tests' sign-in budget.
  const post = (body: Record<string, string>, referer: string) =>
    noRedirect("/api/ops/session", { method: "POST", headers: { referer, "x-forwarded-for": "192.0.2.77" }, body: new URLSearchParams(body) });
  it("even from the form shown before the page's query has streamed in (no `next` field): the page's own URL says where", async () => {
    const login = `${stack().appUrl}/ops/login?next=${encodeURIComponent("/ops/incidents")}`;
    const right = await post({ password: stack().secrets.opsPassword }, login);
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/ops/incidents");
    // A wrong password keeps it for the next try; a page other than the sign-in page, or a target outside /ops, gives /ops.
    expect((await post({ password: "not-it" }, login)).headers.get("location")).toBe(`/ops/login?error=wrong&next=${encodeURIComponent("/ops/incidents")}`);
    expect((await post({ password: stack().secrets.opsPassword }, `${stack().appUrl}/somewhere?next=%2Fops%2Fskus`)).headers.get("location")).toBe("/ops");
    expect((await post({ password: stack().secrets.opsPassword }, `${stack().appUrl}/ops/login?next=https%3A%2F%2Fevil.example`)).headers.get("location")).toBe(
      "/ops",
    );
  });
});

describe("/ops with credentials", () => {
  it("renders the overview with the data-flow drawing and charts (screenshot saved)", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page);
    await page.waitForURL(`${stack().appUrl}/ops`);
    await page.getByRole("heading", { name: /Data flow/ }).waitFor();
    expect(await page.getByRole("img", { name: /data flow/i }).count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole("meter").count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByText("Drift over time").count()).toBe(1);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "ops-overview.png"), fullPage: true });
    await page.goto(`${stack().appUrl}/ops/incidents`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "ops-incidents.png"), fullPage: true });
    await page.close();
  });

  it("finds a SKU by search and edits its Shopify buffer: validated, audited, and the storefront's number follows", async () => {
    const sku = "SUN-BLK";
    await setOnlineStock(sku, 10); // 12 on hand − default buffer 2
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    await page.goto(`${stack().appUrl}/ops/skus?q=sun-b`);
    await page.getByTestId(`sku-row-${sku}`).waitFor();
    expect(await page.locator("[data-testid^='sku-row-']").count()).toBe(1);
    await page.getByRole("link", { name: sku }).click();
    await page.getByRole("heading", { name: sku }).waitFor();
    expect(await page.getByTestId("ledger").locator("tbody tr").count()).toBeGreaterThan(0);

    await page.locator("input[name=buffer]").fill("-3");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("buffer-message").textContent()).toContain("0 or more");

    await page.locator("select[name=channel]").selectOption("shopify");
    await page.locator("input[name=buffer]").fill("7");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("buffer-message").textContent()).toContain("shopify buffer for SUN-BLK: default → 7");
    // 12 on hand at the east warehouse − 7 = 5 for the online store.
    expect(
      (
        await eventually(
          () => getStock(sku),
          (s) => s.skus[sku]?.available === 5,
        )
      ).skus[sku]?.available,
    ).toBe(5);
    await page.reload();
    expect(await page.getByRole("list", { name: "Buffer changes" }).textContent()).toContain("shopify: default → 7");
    await page.close();
  });
});
