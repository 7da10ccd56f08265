import type { WebhookSender } from "../shared/webhook-sender";
import { uuidFrom } from "./ids";

/**
 * Shopify webhook deliveries through the shared sender (lag, duplicates, reordering,
 * retries): Shopify's headers, HMAC of the raw body in X-Shopify-Hmac-Sha256. One event keeps
 * its X-Shopify-Event-Id across duplicate deliveries; X-Shopify-Webhook-Id is new on each.
 */
export const WEBHOOK_API_VERSION = "2026-10";

export type WebhookTopic = "orders/create" | "orders/cancelled" | "refunds/create" | "products/create" | "products/update" | "products/delete";

export interface WebhookTarget {
  url: string;
  secret: string;
  shopDomain: string;
}

export class ShopifyWebhooks {
  constructor(
    readonly sender: WebhookSender,
    private readonly target: WebhookTarget,
    private readonly random: () => number,
  ) {}

  send(topic: WebhookTopic, body: unknown, triggeredAt: number): { eventId: string } {
    const eventId = uuidFrom(this.random);
    const headers: Record<string, string> = {
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": this.target.shopDomain,
      "X-Shopify-API-Version": WEBHOOK_API_VERSION,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": new Date(triggeredAt).toISOString(),
    };
    // The shared sender spreads `headers` into each request it makes, so a getter yields a
    // fresh id per delivery (duplicates and retries alike) while the event id stays put.
    Object.defineProperty(headers, "X-Shopify-Webhook-Id", { enumerable: true, get: () => uuidFrom(this.random) });
    this.sender.send({ url: this.target.url, secret: this.target.secret, signatureHeader: "X-Shopify-Hmac-Sha256", body, headers });
    return { eventId };
  }
}
