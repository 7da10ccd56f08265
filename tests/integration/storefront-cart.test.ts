import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyEmulator, type ShopifyEmulator } from "@/emulators/shopify";
import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { addCartLines, createCart, getCart, removeCartLines, updateCartLines } from "@/lib/shopify/storefront";
import { StorefrontError } from "@/lib/shopify/storefront-client";
import { freePort } from "@/harness/ports";
import { deliveryHeader, seeded, startFakeApp, type FakeApp } from "@/tests/support/fake-app";
import { requestJson } from "@/tests/support/http-json";

/**
 * Our Storefront facade (hydrogen-react's client, zod-checked answers) against the Shopify
 * emulator's cart, and the hosted checkout its `checkoutUrl` opens.
 */
const SECRET = "whsec_cart";
const TOKEN = "storefront_cart_token";
let receiver: FakeApp;
let emu: ShopifyEmulator;
const saved = { ...process.env };

const variantGid = async (sku: string): Promise<string> => {
  const { json } = await requestJson(emu.storefrontGraphqlUrl, {
    method: "POST",
    headers: { "x-shopify-storefront-access-token": TOKEN },
    body: {
      query: `query($q: String!) { products(first: 1, query: $q) { nodes { variants(first: 20) { nodes { id sku } } } } }`,
      variables: { q: `sku:${sku}` },
    },
  });
  const nodes =
    (json as { data: { products: { nodes: { variants: { nodes: { id: string; sku: string }[] } }[] } } }).data.products.nodes[0]?.variants.nodes ?? [];
  const id = nodes.find((n) => n.sku === sku)?.id;
  if (!id) throw new Error(`no variant ${sku}`);
  return id;
};

/** Submit the hosted checkout form the way a browser does. */
async function pay(checkoutUrl: string): Promise<{ status: number; html: string }> {
  const response = await fetch(checkoutUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "email=shopper%40example.com",
  });
  return { status: response.status, html: await response.text() };
}

beforeAll(async () => {
  receiver = await startFakeApp({ secret: SECRET, signatureHeader: "x-shopify-hmac-sha256" });
  emu = await startShopifyEmulator({
    port: await freePort(),
    shopDomain: "northwind-demo.myshopify.com",
    adminAccessToken: "admin",
    storefrontAccessToken: TOKEN,
    webhook: { url: `${receiver.url}/api/webhooks/shopify`, secret: SECRET },
    catalog: demoCatalog,
    locations: [
      { id: "wh-east", gid: "gid://shopify/Location/71001", name: "East" },
      { id: "wh-west", gid: "gid://shopify/Location/71002", name: "West" },
    ],
    initialAvailable: { "MUG-SND": { "wh-east": 3, "wh-west": 0 }, "MUG-BLU": { "wh-east": 1, "wh-west": 0 }, "BTL-SGE": { "wh-east": 5, "wh-west": 5 } },
    storefrontUrl: "http://shop.test",
    random: seeded(7),
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

describe("the cart through our Storefront facade", () => {
  it("creates, merges lines of one variant, updates, removes, and reads back", async () => {
    const mug = await variantGid("MUG-SND");
    const bottle = await variantGid("BTL-SGE");
    const created = await createCart([{ merchandiseId: mug, quantity: 1 }]);
    expect(created.userErrors).toEqual([]);
    const cartId = created.cart!.id;
    expect(cartId).toMatch(/^gid:\/\/shopify\/Cart\/\w+\?key=\w+$/);
    const merged = await addCartLines(cartId, [
      { merchandiseId: mug, quantity: 1 },
      { merchandiseId: bottle, quantity: 2 },
    ]);
    expect(merged.cart!.lines.map((l) => [l.merchandise.sku, l.quantity])).toEqual([
      ["MUG-SND", 2],
      ["BTL-SGE", 2],
    ]);
    expect(merged.cart!.totalQuantity).toBe(4);
    expect(merged.cart!.cost.subtotalAmount).toEqual({ amount: "122.0", currencyCode: "USD" });
    const mugLine = merged.cart!.lines[0]!;
    const updated = await updateCartLines(cartId, [{ id: mugLine.id, quantity: 1 }]);
    expect(updated.cart!.lines[0]!.quantity).toBe(1);
    const removed = await removeCartLines(cartId, [mugLine.id]);
    expect(removed.cart!.lines.map((l) => l.merchandise.sku)).toEqual(["BTL-SGE"]);
    expect((await getCart(cartId))!.totalQuantity).toBe(2);
    expect(await getCart(cartId.replace(/key=\w+/, "key=0000"))).toBeNull();
  });

  it("sends the shopper's IP as Shopify-Storefront-Buyer-IP on every cart call (F15)", async () => {
    const mug = await variantGid("MUG-SND");
    const shopper = "203.0.113.7";
    const { cart } = await createCart([{ merchandiseId: mug, quantity: 1 }], shopper);
    const added = await addCartLines(cart!.id, [{ merchandiseId: mug, quantity: 1 }], shopper);
    const line = added.cart!.lines[0]!;
    await updateCartLines(cart!.id, [{ id: line.id, quantity: 1 }], shopper);
    await removeCartLines(cart!.id, [line.id], shopper);
    await getCart(cart!.id, shopper);
    const { json } = await requestJson(`${emu.url}/_emulator/requests?limit=5`);
    const requests = (json as { requests: { operationName: string; buyerIp: string | null }[] }).requests;
    expect(requests.map((r) => [r.operationName, r.buyerIp])).toEqual([
      ["CartCreate", shopper],
      ["CartLinesAdd", shopper],
      ["CartLinesUpdate", shopper],
      ["CartLinesRemove", shopper],
      ["Cart", shopper],
    ]);
  });

  it("clamps an add to what the shop can sell, with Shopify's warning", async () => {
    const mug = await variantGid("MUG-SND");
    const result = await createCart([{ merchandiseId: mug, quantity: 5 }]);
    expect(result.cart!.lines[0]!.quantity).toBe(3);
    expect(result.warnings.map((w) => w.code)).toEqual(["MERCHANDISE_NOT_ENOUGH_STOCK"]);
  });

  it("answers a bad variant with a user error, and a wrong token with one error shape", async () => {
    const bad = await createCart([{ merchandiseId: "gid://shopify/ProductVariant/1", quantity: 1 }]);
    expect(bad.userErrors[0]).toMatchObject({ code: "INVALID", field: ["input", "lines", "0", "merchandiseId"] });
    process.env.SHOPIFY_STOREFRONT_ACCESS_TOKEN = "wrong";
    try {
      await expect(getCart("gid://shopify/Cart/x?key=y")).rejects.toEqual(expect.objectContaining({ kind: "unauthorized" }));
      await expect(getCart("gid://shopify/Cart/x?key=y")).rejects.toBeInstanceOf(StorefrontError);
    } finally {
      process.env.SHOPIFY_STOREFRONT_ACCESS_TOKEN = TOKEN;
    }
  });
});

describe("the hosted checkout at checkoutUrl", () => {
  it("places the order (orders/create sent), and the cart is gone afterwards", async () => {
    const bottle = await variantGid("BTL-SGE");
    const { cart } = await createCart([{ merchandiseId: bottle, quantity: 2 }]);
    const page = await fetch(cart!.checkoutUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Pay now");
    const paid = await pay(cart!.checkoutUrl);
    expect(paid.status).toBe(200);
    expect(paid.html).toMatch(/Order <strong data-testid="order-name">#\d+<\/strong> is confirmed/);
    await receiver.waitFor(1, 5_000);
    expect(receiver.deliveries.some((d) => deliveryHeader(d, "x-shopify-topic") === "orders/create")).toBe(true);
    expect(await getCart(cart!.id)).toBeNull();
    expect((await pay(cart!.checkoutUrl)).status).toBe(409);
  });

  it("refuses when stock ran out after the add, says which line and how many are left, and links back to the cart", async () => {
    const blue = await variantGid("MUG-BLU");
    const first = (await createCart([{ merchandiseId: blue, quantity: 1 }])).cart!;
    const second = (await createCart([{ merchandiseId: blue, quantity: 1 }])).cart!;
    const [a, b] = await Promise.all([pay(first.checkoutUrl), pay(second.checkoutUrl)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.html).toContain("Some items are no longer available");
    expect(refused.html).toContain('data-sku="MUG-BLU" data-available="0"');
    expect(refused.html).toContain('href="http://shop.test/cart"');
  });
});
