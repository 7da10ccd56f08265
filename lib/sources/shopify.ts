import { z } from "zod";
import type { Policy } from "../config/policy";
import { skuSchema, type StockEvent } from "../domain/events";
import { formatLineKey } from "../domain/line-key";
import { currencyExponent, decimalToMinorUnits } from "../money";
import { checkEvent, parseOrThrow } from "./parse";
import { PayloadError, rejectLine, type RejectedLine } from "./payload-error";

/**
 * Shopify order webhooks (Admin API 2026-10, REST-shaped JSON bodies) → stock events.
 *
 * The schemas cover only the fields we read; zod objects strip the rest, so Shopify can
 * add fields without breaking intake. Every event id is an *effect* id built from Shopify's
 * own ids (order, line item, refund, refund line item), never from the delivery, so a
 * redelivery or a retry with a new X-Shopify-Webhook-Id yields the same ids (I1).
 */

export const shopifyTopicSchema = z.enum(["orders/create", "orders/cancelled", "orders/updated", "refunds/create"]);
export type ShopifyTopic = z.infer<typeof shopifyTopicSchema>;

/**
 * Shopify ids are 64-bit integers sent as JSON numbers. Plain `JSON.parse` keeps them exact
 * only up to 2^53; past that two ids can round onto one double and two lines would share one
 * reservation key, so we refuse them rather than guess. Digit strings are accepted, so a
 * bigint-preserving JSON parser upstream would lift that limit. Output: the canonical decimal string.
 */
export const shopifyIdSchema = z
  .union([z.number(), z.string()], {
    error: (issue) => `expected a Shopify id (positive integer), received ${issue.input === null ? "null" : typeof issue.input}`,
  })
  .transform((value, ctx) => {
    if (typeof value === "string" ? /^[1-9]\d{0,19}$/.test(value) : Number.isSafeInteger(value) && value > 0) return String(value);
    const lostPrecision = typeof value === "number" && Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER;
    ctx.addIssue({
      code: "custom",
      input: value,
      message: lostPrecision ? "id is beyond 2^53 and lost precision in JSON parsing" : "expected a positive integer id",
    });
    return z.NEVER;
  });

/** Shopify timestamps carry an offset (`2026-11-27T08:14:03-06:00`); events carry UTC ISO. */
const timestampSchema = z.iso.datetime({ offset: true }).transform((value, ctx) => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    ctx.addIssue({ code: "custom", input: value, message: "not a real date" });
    return z.NEVER;
  }
  return new Date(time).toISOString();
});

/** Money is a decimal string ("19.99", "20" for zero-decimal currencies); newer versions send some as numbers. */
const decimalSchema = z
  .union([z.string(), z.number()], { error: "expected a decimal amount" })
  .transform(String)
  .pipe(z.string().regex(/^\d{1,15}(\.\d{1,10})?$/, 'expected a non-negative decimal amount like "19.99"'));

const currencySchema = z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 currency code");

const moneySetSchema = z.object({ shop_money: z.object({ amount: decimalSchema, currency_code: currencySchema }) });

/** Nulls are accepted wherever Shopify sends them for "not applicable" (custom items, POS, filtered payloads). */
export const shopifyLineItemSchema = z.object({
  id: shopifyIdSchema,
  sku: z.string().nullish(),
  /** Units ordered. Immutable, unlike `current_quantity`/`fulfillable_quantity` (see `reserveEvents`). */
  quantity: z.number().int().min(0),
  gift_card: z.boolean().nullish(),
  /** "shopify" (or a fulfillment service handle) when tracked, null when not; absent when the subscription filters fields. */
  variant_inventory_management: z.string().nullable().optional(),
  price: decimalSchema.nullish(),
  price_set: moneySetSchema.nullish(),
  /** null (nothing shipped), "partial" or "fulfilled"; a POS counter sale is "fulfilled" at creation. */
  fulfillment_status: z.string().nullish(),
  /** Units still to ship. */
  fulfillable_quantity: z.number().int().min(0).nullish(),
  /** Set when the line was sold under a selling plan (2026-10+), whose reserve may be ON_FULFILLMENT. */
  selling_plan_id: shopifyIdSchema.nullish(),
});
export type ShopifyLineItem = z.infer<typeof shopifyLineItemSchema>;

export const shopifyOrderSchema = z.object({
  id: shopifyIdSchema,
  created_at: timestampSchema,
  /** Shop currency (`presentment_currency` is the buyer's). */
  currency: currencySchema.nullish(),
  /** Where the order was taken: set for POS (and staff-created) orders, null for online checkout. */
  location_id: shopifyIdSchema.nullish(),
  /** "web", "pos", "shopify_draft_order", "iphone", "android", or an app's own name/id for API-created orders. */
  source_name: z.string().nullish(),
  /** Test mode or the Bogus gateway. */
  test: z.boolean().nullish(),
  line_items: z.array(shopifyLineItemSchema),
});
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

export const shopifyRefundLineItemSchema = z
  .object({
    id: shopifyIdSchema,
    line_item_id: shopifyIdSchema,
    quantity: z.number().int().min(0),
    /** "cancel" | "return" | "no_restock" | "legacy_restock"; kept open so a new value cannot reject the refund. */
    restock_type: z.string().nullish(),
    /** Where the units were restocked: Shopify's numeric location id. */
    location_id: shopifyIdSchema.nullish(),
    line_item: z
      .object({
        sku: z.string().nullish(),
        gift_card: z.boolean().nullish(),
        fulfillment_status: z.string().nullish(),
        fulfillable_quantity: z.number().int().min(0).nullish(),
      })
      .nullish(),
  })
  .superRefine((line, ctx) => {
    // The SKU of a cancelled unit lives only on the nested line item.
    if (line.restock_type === "cancel" && !line.line_item)
      ctx.addIssue({ code: "custom", path: ["line_item"], message: "a cancel restock needs the nested line_item (for its sku)" });
  });
export type ShopifyRefundLineItem = z.infer<typeof shopifyRefundLineItemSchema>;

export const shopifyRefundSchema = z.object({
  id: shopifyIdSchema,
  order_id: shopifyIdSchema,
  created_at: timestampSchema,
  refund_line_items: z.array(shopifyRefundLineItemSchema),
});
export type ShopifyRefund = z.infer<typeof shopifyRefundSchema>;

/** A cancellation carries the refund that records what it restocked (`orderCancel(restock:)` is the merchant's choice). */
export const shopifyCancelledOrderSchema = shopifyOrderSchema.extend({
  cancelled_at: timestampSchema,
  refunds: z.array(shopifyRefundSchema).nullish(),
});
export type ShopifyCancelledOrder = z.infer<typeof shopifyCancelledOrderSchema>;

/** What the parser needs from the policy: our location per Shopify location, and the test-order setting. */
export interface ShopifyParseOptions {
  /** Shopify's numeric location id → our location id. */
  locations: ReadonlyMap<string, string>;
  testOrders: "ignore" | "reserve";
}

export const DEFAULT_PARSE_OPTIONS: ShopifyParseOptions = { locations: new Map(), testOrders: "ignore" };

/** The reverse of `policy.locations[*].shopifyLocationId` (`gid://shopify/Location/<n>` → `<n>`). */
export function shopifyParseOptions(policy: Policy): ShopifyParseOptions {
  const locations = new Map<string, string>();
  for (const [id, location] of Object.entries(policy.locations)) {
    const legacy = location.shopifyLocationId?.split("/").pop();
    if (legacy) locations.set(legacy, id);
  }
  return { locations, testOrders: policy.shopifyOrders.testOrders };
}

/**
 * `orders/updated`: the order as it is now. An order edit's added units are new line items and
 * its removals are refund lines (restock_type "cancel" or "no_restock", no transaction), so the
 * order's own reserves and refund releases, under the ids orders/create and refunds/create use,
 * cover every edit in any delivery order (docs/architecture.md#decisions, "Order edits").
 */
export const shopifyUpdatedOrderSchema = shopifyOrderSchema.extend({ refunds: z.array(shopifyRefundSchema).nullish() });
export type ShopifyUpdatedOrder = z.infer<typeof shopifyUpdatedOrderSchema>;

const updatedOrderEvents = (order: ShopifyUpdatedOrder, options: ShopifyParseOptions, rejected: RejectedLine[]): StockEvent[] => [
  ...reserveEvents(order, options, rejected),
  ...(order.refunds ?? []).flatMap((refund, i) => prefixed(["refunds", i], () => releaseEvents(refund, options))),
];

/** Runs a per-refund parser inside an order body, so a bad event is blamed on its path there. */
function prefixed<T>(path: readonly PropertyKey[], run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PayloadError) throw new PayloadError([...path, error.field].map(String).join("."), error.message.slice(error.field.length + 2));
    throw error;
  }
}

/** Parse one Shopify webhook body for `topic`. Throws PayloadError naming the bad field. */
export function parseShopifyWebhook(
  topic: ShopifyTopic,
  body: unknown,
  options: ShopifyParseOptions = DEFAULT_PARSE_OPTIONS,
  rejected: RejectedLine[] = [],
): StockEvent[] {
  switch (topic) {
    case "orders/create":
      return reserveEvents(parseOrThrow(shopifyOrderSchema, body), options, rejected);
    case "orders/cancelled":
      return cancelEvents(parseOrThrow(shopifyCancelledOrderSchema, body), options);
    case "orders/updated":
      return updatedOrderEvents(parseOrThrow(shopifyUpdatedOrderSchema, body), options, rejected);
    case "refunds/create":
      return releaseEvents(parseOrThrow(shopifyRefundSchema, body), options);
  }
}

/** The test orders Shopify commits stock for but no warehouse ever picks (docs/architecture.md#projection). */
const skipped = (order: { test?: boolean | null | undefined }, options: ShopifyParseOptions) => order.test === true && options.testOrders === "ignore";

/**
 * Sales channels whose orders Shopify commits at sale. An app-created order (`orderCreate`)
 * defaults to `inventoryBehaviour: BYPASS` ("Do not claim inventory",
 * https://shopify.dev/docs/api/admin-graphql/latest/input-objects/OrderCreateOptionsInput)
 * and carries the app's own source_name. Draft orders are F6 (lib/sources/shopify-edits.ts).
 */
const COMMITTING_SOURCES = new Set(["web", "pos", "shopify_draft_order", "iphone", "android"]);

const orderUri = (orderId: string) => `shopify://orders/${orderId}`;
const lineKey = (orderId: string, lineItemId: string) => formatLineKey("shopify", orderId, lineItemId);

/**
 * One reserve per line that takes stock: a real SKU, not a gift card, inventory-tracked.
 *
 * Quantity is `quantity`, not `current_quantity`: later removals reach us as refunds with
 * restock_type "cancel" (→ release) or as the cancellation (→ cancel_line). Reserving the
 * net `current_quantity` of a late or replayed payload and then applying those releases
 * would subtract the same units twice. `fulfillable_quantity` is wrong for the same reason.
 *
 * POS (`location_id` = Shopify's numeric id of the store, mapped to ours; an unknown one is
 * treated like an online order): a line handed over at the counter (fulfilled at creation)
 * is a reserve plus an immediate pick at that location, since no warehouse pick will ever
 * come (docs/architecture.md#decisions). A line Shopify may not have committed at sale
 * (app-created order, selling plan) is reserved with `committed: false`.
 */
function reserveEvents(order: ShopifyOrder, options: ShopifyParseOptions, rejected: RejectedLine[]): StockEvent[] {
  const events: StockEvent[] = [];
  if (skipped(order, options)) return events;
  const locationId = order.location_id ? options.locations.get(order.location_id) : undefined;
  const appOrder = !COMMITTING_SOURCES.has(order.source_name ?? "web");
  order.line_items.forEach((line, i) => {
    if (line.gift_card === true || line.variant_inventory_management === null || line.quantity === 0) return;
    const sku = skuOf(line.sku, ["line_items", i, "sku"], rejected);
    if (sku === null) return;
    const valueCents = lineValueCents(line, order.currency, line.quantity);
    const event = {
      id: `shopify:reserve:${order.id}:${line.id}`,
      kind: "reserve",
      sku,
      occurredAt: order.created_at,
      source: "shopify",
      sourceUri: orderUri(order.id),
      channel: "shopify",
      lineKey: lineKey(order.id, line.id),
      quantity: line.quantity,
      ...(locationId ? { locationId } : {}),
      ...(valueCents !== undefined ? { valueCents } : {}),
      ...(appOrder || line.selling_plan_id ? { committed: false as const } : {}),
    };
    events.push(checkEvent(event, ["line_items", i]));
    const handedOver = line.quantity - (line.fulfillable_quantity ?? line.quantity);
    if (locationId && order.source_name === "pos" && handedOver > 0)
      events.push(
        checkEvent(
          {
            id: `shopify:counter-sale:${order.id}:${line.id}`,
            kind: "pick",
            sku,
            occurredAt: order.created_at,
            source: "shopify",
            sourceUri: orderUri(order.id),
            locationId,
            lineKey: lineKey(order.id, line.id),
            quantity: handedOver,
          },
          ["line_items", i],
        ),
      );
  });
  return events;
}

/**
 * One cancel_line per line that could hold a reservation. Tracking is not checked here: the
 * payload shows the variant as it is now, and a cancel for a line never reserved is a no-op,
 * while a missed cancel would strand units.
 *
 * Whether Shopify restocked is the merchant's choice (`orderCancel(restock: Boolean!)`,
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/orderCancel), recorded as the
 * cancellation's refund lines (`restock_type` "cancel" or "no_restock"). So the cancel_line
 * restocks nothing itself (`restocked: false`), and the embedded refunds become the same
 * releases (same effect ids) as the paired `refunds/create`: whichever arrives first counts.
 */
function cancelEvents(order: ShopifyCancelledOrder, options: ShopifyParseOptions): StockEvent[] {
  const events: StockEvent[] = [];
  if (skipped(order, options)) return events;
  order.line_items.forEach((line, i) => {
    if (line.gift_card === true) return;
    const sku = releasableSku(line.sku);
    if (sku === null) return;
    const event = {
      id: `shopify:cancel:${order.id}:${line.id}`,
      kind: "cancel_line",
      sku,
      occurredAt: order.cancelled_at,
      source: "shopify",
      sourceUri: orderUri(order.id),
      channel: "shopify",
      lineKey: lineKey(order.id, line.id),
      restocked: false,
    };
    events.push(checkEvent(event, ["line_items", i]));
  });
  (order.refunds ?? []).forEach((refund, r) => {
    events.push(...releaseEvents(refund, options, ["refunds", r]));
  });
  return events;
}

/**
 * restock_type "cancel" = unfulfilled units given back → release them. "no_restock" of units
 * not yet picked (what our oversell recovery sends) releases them too, but Shopify did not put
 * them back on sale (`restocked: false`); on a "partial" line at most its `fulfillable_quantity`,
 * since the rest may be units already shipped. "return" (and "legacy_restock") = Shopify put
 * fulfilled units back into `available` at the refund line's `location_id` → a channel_restock
 * there; on-hand moves only when the WMS books the return (docs/architecture.md#projection).
 */
function releaseEvents(refund: ShopifyRefund, options: ShopifyParseOptions, at: readonly PropertyKey[] = []): StockEvent[] {
  const events: StockEvent[] = [];
  refund.refund_line_items.forEach((item, i) => {
    if (item.quantity === 0 || item.line_item?.gift_card === true) return;
    const sku = releasableSku(item.line_item?.sku);
    if (sku === null) return;
    const common = {
      id: `shopify:refund:${refund.id}:${item.id}`,
      sku,
      occurredAt: refund.created_at,
      source: "shopify",
      sourceUri: orderUri(refund.order_id),
      channel: "shopify",
      lineKey: lineKey(refund.order_id, item.line_item_id),
    };
    const path = [...at, "refund_line_items", i];
    if (item.restock_type === "return" || item.restock_type === "legacy_restock") {
      const locationId = item.location_id ? options.locations.get(item.location_id) : undefined;
      events.push(checkEvent({ ...common, kind: "channel_restock", quantity: item.quantity, ...(locationId ? { locationId } : {}) }, path));
      return;
    }
    if (item.restock_type === "cancel") {
      events.push(checkEvent({ ...common, kind: "release", quantity: item.quantity }, path));
      return;
    }
    const shipping = item.line_item?.fulfillment_status;
    if (item.restock_type !== "no_restock" || !item.line_item || shipping === "fulfilled") return;
    const quantity = shipping === "partial" ? Math.min(item.quantity, item.line_item.fulfillable_quantity ?? 0) : item.quantity;
    if (quantity > 0) events.push(checkEvent({ ...common, kind: "release", quantity, restocked: false }, path));
  });
  return events;
}

/**
 * Blank SKU = not a stock item (custom line, service). Any other text is a SKU (skuSchema); one
 * we still cannot hold (longer than MAX_SKU_LENGTH) skips only its line, recorded in `rejected`,
 * so the order's other lines are reserved and the delivery is answered 2xx.
 */
function skuOf(raw: string | null | undefined, path: readonly PropertyKey[], rejected: RejectedLine[]): string | null {
  if (raw === null || raw === undefined || raw.trim() === "") return null;
  const result = skuSchema.safeParse(raw);
  if (result.success) return result.data;
  rejectLine(rejected, result.error, path);
  return null;
}

/**
 * For cancels and releases an unusable SKU cannot hold a reservation (its reserve was
 * rejected, or the line was never reserved), so it is skipped: rejecting the whole payload
 * would also drop the cancels of the order's good lines and strand their units.
 */
function releasableSku(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === "") return null;
  const result = skuSchema.safeParse(raw);
  return result.success ? result.data : null;
}

/** price × quantity in minor units of the shop currency, exact (integer math), or undefined when unknown. */
function lineValueCents(line: ShopifyLineItem, shopCurrency: string | null | undefined, quantity: number): number | undefined {
  const money = line.price_set?.shop_money;
  const amount = money?.amount ?? line.price;
  const currency = money?.currency_code ?? shopCurrency;
  if (amount === null || amount === undefined || !currency) return undefined;
  return decimalToMinorUnits(amount, currencyExponent(currency), quantity);
}
