import type { CatalogChange } from "../catalog/cache-tags";
import type { Policy } from "../config/policy";
import type { Source, StockEvent } from "../domain/events";
import { parseMarketplacePayload } from "./marketplace";
import { PayloadError } from "./payload-error";
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
  /** Events to queue, or `null` for a topic we do not act on. Throws PayloadError. */
  parse: (headers: Headers, body: unknown, context: { policy: Policy }) => StockEvent[] | null;
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
  deliveryId: (headers) => headers.get("x-shopify-event-id") ?? headers.get("x-shopify-webhook-id"),
  parse: (headers, body, { policy }) => {
    const topic = headers.get("x-shopify-topic");
    if (!topic) throw new PayloadError("X-Shopify-Topic", "header is required");
    const known = shopifyTopicSchema.safeParse(topic);
    return known.success ? parseShopifyWebhook(known.data, body, shopifyParseOptions(policy)) : null;
  },
  catalogChange: (headers, body) => parseProductWebhook(headers.get("x-shopify-topic") ?? "", body),
};

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
