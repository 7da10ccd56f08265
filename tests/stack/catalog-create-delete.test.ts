import { describe, expect, it } from "vitest";
import { eventually, stack, uniqueSku } from "../support/stack-client";

/**
 * `products/create` and `products/delete` end to end: Shopify (the emulator) creates or
 * deletes a product and sends the signed webhook; the app purges the cached shells, so the
 * new product's page (a cached 404 until then) comes to life and the grid lists it, and a
 * deleted product's page and grid entry go away — without waiting out the 30-day cache.
 */
const page = async (p: string) => {
  const response = await fetch(`${stack().appUrl}${p}`);
  return { status: response.status, cache: response.headers.get("x-nextjs-cache"), html: await response.text() };
};
const control = (p: string, body: unknown = {}) =>
  fetch(`${stack().emulators.shopify}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("products/create and products/delete → purge", () => {
  it("a created product's page appears and the grid lists it; deleted, both are gone", async () => {
    const sku = uniqueSku("LITE");
    const handle = `trail-lite-${sku.toLowerCase()}`;
    const title = `Trail Lite ${sku}`;
    // Asked for before it exists: a 404, cached like any shell (so only a purge can bring the page to life).
    expect((await page(`/products/${handle}`)).status).toBe(404);
    expect(await page(`/products/${handle}`)).toMatchObject({ status: 404, cache: "HIT" });
    expect((await page("/collections/all")).html).not.toContain(title);

    const created = await control("/_emulator/products", {
      handle,
      title,
      description: "Light and quick.",
      variants: [{ sku, title: "One size", priceCents: 4_200, options: { Size: "One" } }],
    });
    expect(created.status).toBe(200);

    const pdp = await eventually(
      () => page(`/products/${handle}`),
      (p) => p.status === 200,
      20_000,
      250,
    );
    expect(pdp.status).toBe(200);
    expect(pdp.html).toContain(title);
    expect(pdp.html).toContain("$42.00");
    const grid = await eventually(
      () => page("/collections/all"),
      (p) => p.html.includes(title),
      20_000,
      250,
    );
    expect(grid.html).toContain(title);
    // Both cached again: only a purge can take them away.
    expect(await page(`/products/${handle}`)).toMatchObject({ status: 200, cache: "HIT" });
    expect((await page("/collections/all")).cache).toBe("HIT");

    expect((await control(`/_emulator/products/${handle}/delete`)).status).toBe(200);

    const gone = await eventually(
      () => page(`/products/${handle}`),
      (p) => p.status === 404,
      20_000,
      250,
    );
    expect(gone.status).toBe(404);
    expect(gone.html).not.toContain(title);
    const after = await eventually(
      () => page("/collections/all"),
      (p) => !p.html.includes(title),
      20_000,
      250,
    );
    expect(after.html).not.toContain(title);
  });
});
