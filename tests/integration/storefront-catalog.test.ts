import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "@/emulators/shopify";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { getCollection, getProduct } from "@/lib/shopify/storefront";
import { freePort } from "@/harness/ports";
import { seeded, startFakeApp, type FakeApp } from "@/tests/support/fake-app";
import { requestJson } from "@/tests/support/http-json";

// `"use cache"` reads run outside Next here: the cache calls are no-ops.
vi.mock("next/cache", () => ({ cacheLife: () => undefined, cacheTag: () => undefined }));

/**
 * Our Storefront product reads (PDP, collection grid) against the Shopify emulator, with
 * catalog shapes Shopify allows and the demo catalog does not have: many variants, merchant
 * HTML, continue-selling and untracked variants.
 */
const TOKEN = "storefront_catalog_token";
let receiver: FakeApp;
let emu: ShopifyEmulator;
const saved = { ...process.env };

const storefront = async (query: string, variables: Record<string, unknown> = {}) =>
  (await requestJson(emu.storefrontGraphqlUrl, { method: "POST", headers: { "x-shopify-storefront-access-token": TOKEN }, body: { query, variables } }))
    .json as { data: Record<string, unknown> | null; errors?: { message: string; path?: string[]; extensions: { code: string } }[] };

const createProduct = (body: Record<string, unknown>) => requestJson(`${emu.url}/_emulator/products`, { method: "POST", body });

const manyVariants = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ({
    sku: `${prefix}-${String(i + 1).padStart(4, "0")}`,
    title: `Size ${i + 1}`,
    priceCents: 1000,
    options: { Size: String(i + 1) },
  }));

beforeAll(async () => {
  receiver = await startFakeApp({ secret: "whsec_catalog", signatureHeader: "x-shopify-hmac-sha256" });
  emu = await startShopifyEmulator({
    port: await freePort(),
    shopDomain: "northwind-demo.myshopify.com",
    adminAccessToken: "admin",
    storefrontAccessToken: TOKEN,
    webhook: { url: `${receiver.url}/api/webhooks/shopify`, secret: "whsec_catalog" },
    catalog: demoCatalog,
    locations: [{ id: "wh-east", gid: "gid://shopify/Location/71001", name: "East" }],
    random: seeded(11),
  });
  Object.assign(process.env, {
    SHOPIFY_STORE_DOMAIN: "northwind-demo.myshopify.com",
    SHOPIFY_STOREFRONT_ACCESS_TOKEN: TOKEN,
    SHOPIFY_STOREFRONT_API_URL: emu.url,
  });
});

afterAll(async () => {
  process.env = saved;
  await emu?.stop();
  await receiver?.stop();
});

describe("products with more than 100 variants (F17)", () => {
  it("the PDP and the collection grid carry every one of 120 variants and SKUs", async () => {
    const created = await createProduct({ handle: "many-sizes", title: "Many sizes", variants: manyVariants(120, "MANY") });
    expect(created.status).toBe(200);
    const product = await getProduct("many-sizes");
    expect(product!.skus).toHaveLength(120);
    expect(product!.variants.nodes.map((v) => v.sku)).toEqual(manyVariants(120, "MANY").map((v) => v.sku));
    const grid = await getCollection("all");
    expect(grid!.products.find((p) => p.handle === "many-sizes")!.skus).toHaveLength(120);
  });

  it("pages past 250 variants too (a product with 600)", async () => {
    expect((await createProduct({ handle: "huge-range", title: "Huge range", variants: manyVariants(600, "HUGE") })).status).toBe(200);
    const product = await getProduct("huge-range");
    expect(new Set(product!.skus).size).toBe(600);
  });

  it("the grid pages past its first page of products, each with all its variants", async () => {
    for (let i = 1; i <= 35; i++)
      expect((await createProduct({ handle: `extra-${i}`, title: `Extra ${i}`, variants: manyVariants(2, `EXTRA${i}`) })).status).toBe(200);
    const handles = (await getCollection("all"))!.products.map((p) => p.handle);
    expect(handles.length).toBeGreaterThan(40);
    expect(new Set(handles).size).toBe(handles.length);
    expect(handles).toEqual(expect.arrayContaining(["many-sizes", "huge-range", "extra-1", "extra-35"]));
  });

  it("the emulator takes up to 2,048 variants per product and refuses more, as Shopify does", async () => {
    expect((await createProduct({ handle: "too-many", title: "Too many", variants: manyVariants(2049, "TOO") })).status).toBe(400);
    expect((await createProduct({ handle: "max-range", title: "Max range", variants: manyVariants(2048, "MAX") })).status).toBe(200);
    // The facade's page bound (9 × 250) covers the largest product Shopify allows.
    expect((await getProduct("max-range"))!.skus).toHaveLength(2048);
  });

  it("the emulator refuses a connection page larger than 250", async () => {
    const answer = await storefront(`{ product(handle: "many-sizes") { variants(first: 251) { nodes { sku } } } }`);
    expect(answer.errors?.[0]?.message).toMatch(/250/);
  });
});

describe("descriptionHtml is the merchant's HTML, as written", () => {
  it("round-trips scripts and unclosed tags through the facade unchanged", async () => {
    const html = `<p>Soft <b>cotton<script>alert("x")</script><div class="note">unclosed`;
    const created = await createProduct({
      handle: "raw-html",
      title: "Raw HTML",
      description: "Soft cotton",
      descriptionHtml: html,
      variants: manyVariants(1, "RAW"),
    });
    expect(created.status).toBe(200);
    const product = await getProduct("raw-html");
    expect(product!.descriptionHtml).toBe(html);
    expect(product!.description).toBe("Soft cotton");
  });

  it("a product edit in the admin changes it (control API)", async () => {
    const edited = await requestJson(`${emu.url}/_emulator/products/raw-html`, { method: "POST", body: { descriptionHtml: "<h2>New</h2><ul><li>one" } });
    expect(edited.status).toBe(200);
    expect((await getProduct("raw-html"))!.descriptionHtml).toBe("<h2>New</h2><ul><li>one");
  });
});

describe("Storefront stock fields (E11)", () => {
  it("quantityAvailable is refused without the unauthenticated_read_product_inventory scope", async () => {
    const answer = await storefront(`{ product(handle: "many-sizes") { variants(first: 1) { nodes { sku quantityAvailable } } } }`);
    expect(answer.errors?.[0]).toMatchObject({
      message: "Access denied for quantityAvailable field. Required access: `unauthenticated_read_product_inventory` access scope.",
      extensions: { code: "ACCESS_DENIED" },
    });
  });

  it("availableForSale is true at zero stock for continue-selling and untracked variants", async () => {
    const created = await createProduct({
      handle: "backorder",
      title: "Backorder",
      variants: [
        { sku: "BO-DENY", title: "Deny", priceCents: 100, options: { Kind: "deny" } },
        { sku: "BO-CONT", title: "Continue", priceCents: 100, options: { Kind: "continue" }, inventoryPolicy: "CONTINUE" },
        { sku: "BO-UNTR", title: "Untracked", priceCents: 100, options: { Kind: "untracked" }, tracked: false },
      ],
    });
    expect(created.status).toBe(200);
    const answer = await storefront(`{ product(handle: "backorder") { availableForSale variants(first: 5) { nodes { sku availableForSale } } } }`);
    const nodes = (answer.data!.product as { variants: { nodes: { sku: string; availableForSale: boolean }[] } }).variants.nodes;
    expect(Object.fromEntries(nodes.map((n) => [n.sku, n.availableForSale]))).toEqual({ "BO-DENY": false, "BO-CONT": true, "BO-UNTR": true });
  });
});
