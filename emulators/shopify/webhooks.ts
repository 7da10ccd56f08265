import type { Outgoing, PendingDelivery, WebhookSender } from "../shared/webhook-sender";
import { uuidFrom } from "./ids";
import type { SavedDelivery } from "./saved-delivery";

/**
 * Shopify webhook deliveries through the shared sender (lag, duplicates, reordering,
 * retries): Shopify's headers, HMAC of the raw body in X-Shopify-Hmac-Sha256. One event keeps
 * its X-Shopify-Event-Id across duplicate deliveries; X-Shopify-Webhook-Id is new on each.
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
  send(topic: WebhookTopic, body: unknown, triggeredAt: number, eventId: string = uuidFrom(this.random)): { eventId: string } {
    const headers: Record<string, string> = {
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": this.target.shopDomain,
      "X-Shopify-API-Version": WEBHOOK_API_VERSION,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": new Date(triggeredAt).toISOString(),
    };
    this.sender.send(this.message(body, headers));
    return { eventId };
  }

  /** Deliveries not yet acknowledged, for the state file: the event's headers without the per-delivery id. */
  pending(): PendingDelivery[] {
    return this.sender.pending().map((d) => {
      const headers = d.message.headers ?? {};
      // Read the keys, not the values: reading the delivery id getter would draw from the (seeded) RNG.
      const eventHeaders = Object.fromEntries(
        Object.keys(headers)
          .filter((k) => k !== DELIVERY_ID)
          .map((k) => [k, headers[k] ?? ""]),
      );
      return { ...d, message: { ...d.message, headers: eventHeaders } };
    });
  }

  /** Deliveries a previous run had not got acknowledged, sent on to the subscription as it is now configured. */
  resume(deliveries: readonly SavedDelivery[]): void {
    this.sender.resume(deliveries.map(({ body, headers, attempt, dueAt }) => ({ message: this.message(body, { ...headers }), attempt, dueAt })));
  }

  private message(body: unknown, headers: Record<string, string>): Outgoing {
    // The shared sender spreads `headers` into each request it makes, so a getter yields a
    // fresh id per delivery (duplicates and retries alike) while the event id stays put.
    Object.defineProperty(headers, DELIVERY_ID, { enumerable: true, get: () => uuidFrom(this.random) });
    return { url: this.target.url, secret: this.target.secret, signatureHeader: "X-Shopify-Hmac-Sha256", body, headers };
  }
}
