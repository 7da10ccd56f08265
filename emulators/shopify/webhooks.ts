import type { Outgoing, PendingDelivery, WebhookSender } from "../shared/webhook-sender";
import { uuidFrom } from "./ids";
import type { SavedDelivery } from "./saved-delivery";

/**
 * Shopify webhook deliveries through the shared sender (lag, duplicates, reordering,
 * retries): Shopify's headers, HMAC of the raw body in X-Shopify-Hmac-Sha256. Per
 * https://shopify.dev/docs/apps/build/webhooks/delivery-structure, X-Shopify-Event-Id is
 * "shared across all deliveries produced by the same merchant action" (a caller that sends
 * several topics for one action passes the same `eventId`), and X-Shopify-Webhook-Id is "a
 * unique composite key per delivery": drawn once per delivery, kept by its retries and duplicates.
 */
export const WEBHOOK_API_VERSION = "2026-10";

export type WebhookTopic =
  | "orders/create"
  | "orders/cancelled"
  | "orders/edited"
  | "orders/updated"
  | "refunds/create"
  | "draft_orders/create"
  | "draft_orders/update"
  | "draft_orders/delete"
  | "products/create"
  | "products/update"
  | "products/delete"
  | "fulfillment_orders/order_routing_complete"
  | "fulfillment_orders/moved";

export interface WebhookTarget {
  url: string;
  secret: string;
  shopDomain: string;
}

const DELIVERY_ID = "X-Shopify-Webhook-Id";

export class ShopifyWebhooks {
  constructor(
    readonly sender: WebhookSender,
    private readonly target: WebhookTarget,
    private readonly random: () => number,
  ) {}

  /**
   * `eventId`: pass the first send's id for the other topics of one merchant action ("A unique ID
   * shared across all deliveries produced by the same merchant action",
   * https://shopify.dev/docs/apps/build/webhooks/delivery-structure).
   */
  send(topic: WebhookTopic, body: unknown, triggeredAt: number, eventId: string = uuidFrom(this.random)): { eventId: string; webhookId: string } {
    const webhookId = uuidFrom(this.random);
    const headers: Record<string, string> = {
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": this.target.shopDomain,
      "X-Shopify-API-Version": WEBHOOK_API_VERSION,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": new Date(triggeredAt).toISOString(),
      [DELIVERY_ID]: webhookId,
    };
    this.sender.send(this.message(body, headers));
    return { eventId, webhookId };
  }

  /** Deliveries not yet acknowledged, for the state file (webhook id included: Shopify's retries after our restart keep it). */
  pending(): PendingDelivery[] {
    return this.sender.pending();
  }

  /** Deliveries a previous run had not got acknowledged, sent on to the subscription as it is now configured. */
  resume(deliveries: readonly SavedDelivery[]): void {
    // A state file from before webhook ids were saved gets one drawn now, kept from here on.
    this.sender.resume(
      deliveries.map(({ body, headers, attempt, dueAt }) => ({
        message: this.message(body, { ...headers, [DELIVERY_ID]: headers?.[DELIVERY_ID] ?? uuidFrom(this.random) }),
        attempt,
        dueAt,
      })),
    );
  }

  private message(body: unknown, headers: Record<string, string>): Outgoing {
    return { url: this.target.url, secret: this.target.secret, signatureHeader: "X-Shopify-Hmac-Sha256", body, headers };
  }
}
