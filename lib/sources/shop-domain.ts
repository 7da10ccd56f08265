/**
 * Which shop a Shopify delivery is for. App webhooks of every shop the app is installed on
 * (development and staging stores too) are signed with the same client secret, so a valid HMAC
 * does not say which shop sent it; `X-Shopify-Shop-Domain` does
 * (https://shopify.dev/docs/apps/build/webhooks/delivery-structure). SHOPIFY_STORE_DOMAIN may
 * be written `https://shop.myshopify.com/`; domains compare case-insensitively.
 */
export const normalizeShopDomain = (domain: string): string =>
  domain
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");

export const sameShop = (header: string | null, configured: string): boolean =>
  header !== null && normalizeShopDomain(header) === normalizeShopDomain(configured);
