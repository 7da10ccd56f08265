import type { IdempotencyStore } from "../shared/idempotency-store";
import type { WebhookSender } from "../shared/webhook-sender";
import type { CartBook } from "./cart-book";
import type { DiscountBook } from "./discounts";
import type { Faults } from "./faults";
import type { IdSequence, SequenceName } from "./ids";
import type { InventoryState } from "./inventory-state";
import type { LeakyBucket } from "./leaky-bucket";
import type { MutationPayload } from "./mutation-payload";
import type { OrderBook } from "./orders";
import type { Replay } from "./replay-schema";
import type { SaveGate } from "./save-gate";
import type { AccessTokens } from "./oauth";
import type { ShopCatalog } from "./shop-catalog";
import type { EmulatorStats } from "./stats";
import type { ShopifyWebhooks } from "./webhooks";

/** Everything one emulated shop holds; handlers and resolvers receive it. */
export interface ShopState {
  shopDomain: string;
  shopName: string;
  /** The legacy static Admin token (custom apps made in the admin): valid for ever. */
  adminAccessToken: string;
  /** Client-credentials tokens (oauth.ts); null when the shop has no such app installed. */
  accessTokens: AccessTokens | null;
  storefrontAccessToken: string;
  catalog: ShopCatalog;
  inventory: InventoryState;
  orders: OrderBook;
  carts: CartBook;
  /** Code discounts created through discountCodeBasicCreate. */
  discounts: DiscountBook;
  /** Where shoppers reach this shop (checkout URLs); set once the server listens. */
  publicUrl: string;
  /** The headless storefront, for "return to cart" from checkout; null when unknown. */
  storefrontUrl: string | null;
  bucket: LeakyBucket;
  idempotency: IdempotencyStore<MutationPayload, Replay>;
  stats: EmulatorStats;
  webhooks: ShopifyWebhooks;
  /** Forwards new orders to the WMS (`fulfillmentUrl`), or null. */
  fulfillment: { sender: WebhookSender; url: string; secret: string } | null;
  faults: Faults;
  /** Whether the app may read Level 2 protected customer data (protected-data.ts); false = redacted. */
  protectedCustomerData: boolean;
  /** Whether the Storefront token holds `unauthenticated_read_product_inventory` (quantities); false = ACCESS_DENIED. */
  storefrontInventoryScope: boolean;
  ids: Record<SequenceName, IdSequence>;
  /** When the state file is written around an answer (save-gate.ts). */
  saves: SaveGate;
  random: () => number;
  now: () => number;
}
