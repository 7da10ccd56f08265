import type { CatalogChange } from "../catalog/cache-tags";
import type { Policy } from "../config/policy";
import type { Source, StockEvent } from "../domain/events";
import { parseMarketplacePayload } from "./marketplace";
import { ADMIN_API_VERSION } from "../shopify/app-manifest";
import { PayloadError, type RejectedLine } from "./payload-error";
import { parsePosPayload } from "./pos";
import { parseShopifyWebhook, shopifyParseOptions, shopifyTopicSchema } from "./shopify";
import { parseProductWebhook } from "./shopify-products";
import { parseWmsPayload } from "./wms";

/**
 * How each inbound system signs and identifies its deliveries (docs/architecture.md#http-routes). All use a
 * base64 HMAC-SHA256 of the raw body; each has its own secret.
 */
export interface WebhookSource {
  source: Source;
  /** Name of the env var holding the shared secret. */
  secretEnv: string;
  signatureHeader: string;
  /** Id of this delivery for cheap dedupe at intake (effect ids dedupe again at apply). */
  deliveryId: (headers: Headers) => string | null;
  /**
   * Events to queue, or `null` for a topic we do not act on. Throws PayloadError for a payload it
   * cannot use at all; lines it must skip while the rest stand go to `context.rejected`.
   */
  parse: (headers: Headers, body: unknown, context: { policy: Policy; rejected?: RejectedLine[] }) => StockEvent[] | null;
  /** Authentic deliveries meant for another receiver are refused: the header must name the store in this env var. */
  origin?: { header: string; env: string };
  /** The payload version the parsers read, and the header naming the one sent (a mismatch is logged, parsing still tried). */
  apiVersion?: { header: string; expected: string };
  /** Header facts for the intake log lines (bounded, never secrets). */
  logFields?: (headers: Headers) => Record<string, string | null>;
  /** A change to cached storefront content (Shopify product topics), or null. Throws PayloadError. */
  catalogChange?: (headers: Headers, body: unknown) => CatalogChange | null;
}

export const wmsSource: WebhookSource = {
  source: "wms",
  secretEnv: "WMS_WEBHOOK_SECRET",
  signatureHeader: "x-signature-sha256",
  deliveryId: () => null,
  parse: (_headers, body) => parseWmsPayload(body),
};

export const shopifySource: WebhookSource = {
  source: "shopify",
  secretEnv: "SHOPIFY_WEBHOOK_SECRET",
  signatureHeader: "x-shopify-hmac-sha256",
  deliveryId: shopifyDeliveryId,
  parse: (headers, body, { policy, rejected }) => {
    const topic = headers.get("x-shopify-topic");
    if (!topic) throw new PayloadError("X-Shopify-Topic", "header is required");
    const known = shopifyTopicSchema.safeParse(topic);
    return known.success ? parseShopifyWebhook(known.data, body, shopifyParseOptions(policy), rejected) : null;
  },
  origin: { header: "x-shopify-shop-domain", env: "SHOPIFY_STORE_DOMAIN" },
  apiVersion: { header: "x-shopify-api-version", expected: ADMIN_API_VERSION },
  logFields: (headers) => ({
    topic: headerValue(headers, "x-shopify-topic"),
    triggeredAt: headerValue(headers, "x-shopify-triggered-at"),
    apiVersion: headerValue(headers, "x-shopify-api-version"),
  }),
  catalogChange: (headers, body) => parseProductWebhook(headers.get("x-shopify-topic") ?? "", body),
};

/** A header as a bounded printable-ASCII token, or null (headers are not covered by the HMAC). */
function headerValue(headers: Headers, name: string): string | null {
  const value = headers.get(name);
  return value !== null && /^[\x21-\x7E]{1,200}$/.test(value) ? value : null;
}

/**
 * `topic:X-Shopify-Webhook-Id`. X-Shopify-Event-Id is "shared across all deliveries produced by
 * the same merchant action" (orders/cancelled and refunds/create of one cancellation carry one),
 * so it cannot tell deliveries apart; the webhook id is "a unique composite key per delivery"
 * and a retry keeps it (https://shopify.dev/docs/apps/build/webhooks/delivery-structure). The
 * event id, per topic, is the fallback. Effect ids make apply idempotent whatever passes here.
 */
export function shopifyDeliveryId(headers: Headers): string | null {
  const topic = headerValue(headers, "x-shopify-topic");
  const id = headerValue(headers, "x-shopify-webhook-id") ?? headerValue(headers, "x-shopify-event-id");
  return topic && id ? `${topic}:${id}` : null;
}

export const marketplaceSource: WebhookSource = {
  source: "marketplace",
  secretEnv: "MARKETPLACE_WEBHOOK_SECRET",
  signatureHeader: "x-signature-sha256",
  deliveryId: (headers) => headers.get("idempotency-key"),
  parse: (_headers, body) => parseMarketplacePayload(body),
};

export const posSource: WebhookSource = {
  source: "pos",
  secretEnv: "POS_WEBHOOK_SECRET",
  signatureHeader: "x-signature-sha256",
  deliveryId: () => null,
  parse: (_headers, body) => parsePosPayload(body),
};
