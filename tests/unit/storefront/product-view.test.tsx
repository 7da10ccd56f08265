import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { ProductView } from "@/app/(store)/products/[handle]/product-view";
import { reshapeProduct, type ProductDetail, type Variant } from "@/lib/shopify/storefront-shapes";

// The cart action is a server module (cookies, Redis); rendering the PDP never calls it.
vi.mock("@/app/(store)/cart/actions", () => ({ addToCart: async () => ({ ok: true, message: null, totalQuantity: 1 }) }));

const money = { amount: "10.0", currencyCode: "USD" as const };
const variant = (i: number): Variant => ({
  id: `gid://shopify/ProductVariant/${5000 + i}`,
  sku: `SIZE-${i}`,
  title: `Size ${i}`,
  price: money,
  image: null,
  selectedOptions: [{ name: "Size", value: String(i) }],
});

const product = (descriptionHtml: string, count: number): ProductDetail => {
  const variants = Array.from({ length: count }, (_, i) => variant(i + 1));
  return reshapeProduct({
    id: "gid://shopify/Product/900",
    handle: "raw",
    title: "Raw",
    featuredImage: null,
    priceRange: { minVariantPrice: money, maxVariantPrice: money },
    variants: { nodes: variants, pageInfo: { hasNextPage: false, endCursor: null } },
    description: "Raw",
    descriptionHtml,
    updatedAt: "2026-12-01T00:00:00Z",
    seo: { title: null, description: null },
    options: [{ name: "Size", optionValues: variants.map((v) => ({ name: v.selectedOptions[0]!.value })) }],
  });
};

describe("the PDP renders whatever HTML the merchant wrote, and every variant", () => {
  it("keeps a <script> and unclosed tags inside the description box, the rest of the page intact", () => {
    const html = `<p>Soft <b>cotton<script>alert("x")</script><div class="note">unclosed`;
    const page = renderToStaticMarkup(<ProductView product={product(html, 2)} variantId="gid://shopify/ProductVariant/5001" />);
    expect(page).toContain(html);
    expect(page).toContain('data-testid="product-title">Raw</h1>');
  });

  it("offers all 120 sizes of a product with more than 100 variants", () => {
    const page = renderToStaticMarkup(<ProductView product={product("<p>x</p>", 120)} variantId="gid://shopify/ProductVariant/5001" />);
    expect(page.match(/aria-pressed=/g)).toHaveLength(120);
  });
});
