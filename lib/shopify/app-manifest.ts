/**
 * What the stock layer asks of a Shopify store, in one place: the API versions it speaks,
 * the webhook topics it subscribes to (and which parser reads each), and the access scopes
 * those calls and topics need. Registration (setup), intake and docs/architecture.md read this
 * list, so they cannot drift apart.
 *
 * Scopes: https://shopify.dev/docs/api/usage/access-scopes. Topics:
 * https://shopify.dev/docs/api/webhooks (topic → required scope is listed per topic there).
 */
export const ADMIN_API_VERSION = "2026-10";
export const STOREFRONT_API_VERSION = "2026-04";

export interface WebhookSubscription {
  topic: string;
  /** Which part of the stock layer reads it. */
  reads: "stock" | "catalog";
  /** The Admin scope Shopify requires before it will deliver the topic. */
  scope: string;
  why: string;
}

export const WEBHOOK_SUBSCRIPTIONS = [
  { topic: "orders/create", reads: "stock", scope: "read_orders", why: "reserve each tracked line" },
  { topic: "orders/cancelled", reads: "stock", scope: "read_orders", why: "release what a cancelled order still holds" },
  { topic: "orders/updated", reads: "stock", scope: "read_orders", why: "order edits: added lines reserve, removals (refund lines) release" },
  { topic: "refunds/create", reads: "stock", scope: "read_orders", why: "release refunded units; restocked returns" },
  {
    topic: "fulfillment_orders/order_routing_complete",
    reads: "stock",
    scope: "read_merchant_managed_fulfillment_orders",
    why: "move an online order's reservation to the location Shopify routed it to",
  },
  {
    topic: "fulfillment_orders/moved",
    reads: "stock",
    scope: "read_merchant_managed_fulfillment_orders",
    why: "follow a fulfillment order the merchant moved",
  },
  { topic: "products/create", reads: "catalog", scope: "read_products", why: "new product shells" },
  { topic: "products/update", reads: "catalog", scope: "read_products", why: "invalidate cached product shells" },
  { topic: "products/delete", reads: "catalog", scope: "read_products", why: "drop cached product shells" },
] as const satisfies readonly WebhookSubscription[];

export type WebhookTopic = (typeof WEBHOOK_SUBSCRIPTIONS)[number]["topic"];

export interface AccessScope {
  scope: string;
  why: string;
}

/**
 * Admin API scopes the app must be granted (client-credentials or OAuth install). The
 * client-credentials grant answers with the scopes of the installed app version; the emulator
 * grants exactly these. Besides
 * scopes, oversell recovery reads Level 2 protected customer data (the buyer's email and name
 * for the apology email): a public app needs Shopify's approval for it, a custom app configures
 * it (https://shopify.dev/docs/apps/launch/protected-customer-data). Without it Shopify redacts
 * those fields (null plus an `ACCESS_DENIED` error per field).
 */
export const ADMIN_SCOPES = [
  { scope: "read_inventory", why: "read available per location (drift pass, re-split)" },
  { scope: "write_inventory", why: "inventoryAdjustQuantities / inventorySetQuantities" },
  { scope: "read_locations", why: "map Shopify locations to the policy's" },
  { scope: "read_products", why: "SKU → inventory item lookup; product webhooks" },
  { scope: "read_orders", why: "order webhooks; the oversold order on recovery" },
  { scope: "read_merchant_managed_fulfillment_orders", why: "routing webhooks; the routed fulfillment order's location and lines" },
  { scope: "write_orders", why: "refundCreate on oversell recovery" },
  { scope: "write_discounts", why: "the apology discount code" },
] as const satisfies readonly AccessScope[];

/**
 * Storefront API (tokenless/private) scopes the storefront's reads and carts need. Not asked
 * for on purpose: `unauthenticated_read_product_inventory` (quantityAvailable, totalInventory):
 * stock comes live from /api/stock, and without it Shopify answers those fields ACCESS_DENIED.
 * Cart calls send `Shopify-Storefront-Buyer-IP`, which needs the private (delegate) token, no scope.
 */
export const STOREFRONT_SCOPES = [
  { scope: "unauthenticated_read_product_listings", why: "product shells" },
  { scope: "unauthenticated_write_checkouts", why: "cart mutations" },
  { scope: "unauthenticated_read_checkouts", why: "cart reads" },
] as const satisfies readonly AccessScope[];

export const webhookTopics = (reads?: WebhookSubscription["reads"]): string[] =>
  WEBHOOK_SUBSCRIPTIONS.filter((s) => reads === undefined || s.reads === reads).map((s) => s.topic);
