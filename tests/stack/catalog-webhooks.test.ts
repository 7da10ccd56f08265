import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { postSigned, SETTLE_MS, stack } from "../support/stack-client";
import { storefrontRequests } from "../support/storefront-helpers";

/**
 * Shopify's product webhooks purge exactly the shells that show that product: the PDP and
 * the grids listing it, re-rendered once right away so the next shopper sees the new copy.
 */
const page = async (p: string) => {
  const response = await fetch(`${stack().appUrl}${p}`);
  return { cache: response.headers.get("x-nextjs-cache"), html: await response.text() };
};

const productFetchesSince = async (since: string, handle: string) =>
  (await storefrontRequests()).filter((r) => r.time >= since && r.operationName === "Product" && r.variables?.includes(`"handle":"${handle}"`)).length;

/** Waits for the app's structured log line saying the page was re-rendered after the webhook. */
async function warmed(pathname: string, since: number, timeoutMs = SETTLE_MS): Promise<boolean> {
  const file = path.join(stack().dataDir, "logs", "app.log");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lines = readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.includes('"event":"catalog.warmed"') && l.includes(`"path":"${pathname}"`) && l.includes(`"fresh":true`));
    if (lines.some((l) => Date.parse((JSON.parse(l) as { t: string }).t) >= since)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("products/update → revalidateTag", () => {
  it("the next load shows the new title and price; other products' shells stay cached", async () => {
    expect((await page("/products/classic-tee")).cache).toBe("HIT");
    const before = await page("/products/sunglasses");
    expect(before.html).toContain("Tortoise");
    const since = new Date().toISOString();
    const started = Date.now();
    const title = `Harbor Sunglasses ${Date.now().toString(36)}`;
    const update = await fetch(`${stack().emulators.shopify}/_emulator/products/sunglasses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title, priceCents: 12_500 }),
    });
    expect(update.status).toBe(200);

    expect(await warmed("/products/sunglasses", started)).toBe(true);
    const next = await page("/products/sunglasses");
    expect(next.html).toContain(title);
    expect(next.html).toContain("$125.00");
    // The grids listing it are re-rendered too, one path after another: wait for the home page's turn.
    expect(await warmed("/", started)).toBe(true);
    expect((await page("/")).html).toContain(title);
    // Exactly the changed product was read again; the tee's shell is still the cached one.
    expect(await productFetchesSince(since, "sunglasses")).toBeGreaterThanOrEqual(1);
    expect(await productFetchesSince(since, "classic-tee")).toBe(0);
    expect((await page("/products/classic-tee")).cache).toBe("HIT");
  });

  it("an unsigned or forged products/update is refused with 401 and purges nothing", async () => {
    const since = new Date().toISOString();
    const body = JSON.stringify({ id: 9_021_188_100_001, handle: "classic-tee", title: "Pwned" });
    const forged = await postSigned("/api/webhooks/shopify", body, "not-the-secret", { "x-shopify-topic": "products/update" }, "x-shopify-hmac-sha256");
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${stack().appUrl}/api/webhooks/shopify`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-topic": "products/update" },
      body,
    });
    expect(unsigned.status).toBe(401);
    // Next applies a purge just after the response, so look only after a barrier: a genuine
    // update of another product, purged and re-rendered end to end after the refused ones.
    const started = Date.now();
    const barrier = await fetch(`${stack().emulators.shopify}/_emulator/products/sunglasses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: `Harbor Sunglasses ${started.toString(36)}` }),
    });
    expect(barrier.status).toBe(200);
    expect(await warmed("/products/sunglasses", started)).toBe(true);
    const tee = await page("/products/classic-tee");
    expect(tee.cache).toBe("HIT");
    expect(tee.html).not.toContain("Pwned");
    expect(await productFetchesSince(since, "classic-tee")).toBe(0);
  });

  it("a signed products/update naming the wrong thing is a 400 naming the field", async () => {
    const response = await postSigned(
      "/api/webhooks/shopify",
      JSON.stringify({ id: "abc", handle: "x" }),
      stack().secrets.shopifyWebhookSecret,
      { "x-shopify-topic": "products/update", "x-shopify-shop-domain": "northwind-demo.myshopify.com" },
      "x-shopify-hmac-sha256",
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string }).field).toBe("id");
  });
});
