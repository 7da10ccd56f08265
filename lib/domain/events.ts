import { z } from "zod";

/**
 * The normalized stock event: every source (WMS, Shopify, marketplace, POS) is parsed
 * into these before it is queued. The projection only ever sees this shape.
 *
 * `id` is the *effect* id: two deliveries of the same real-world fact must carry the
 * same id (that is what makes I1 hold across webhook retries with new delivery ids).
 */

/**
 * Longest SKU we accept, in code points. Shopify's `ProductVariant.sku` is free text ("A
 * case-sensitive identifier", no character rule in the 2026-10 schema), stored in a 255-character
 * column; the same bound keeps every Redis key that holds a SKU bounded (lib/redis/sku-key.ts).
 */
export const MAX_SKU_LENGTH = 255;

/**
 * Any non-blank, well-formed Unicode text up to MAX_SKU_LENGTH code points: `Tee (Blk) M`,
 * `ÉCHARPE-01`, `12" LP`, `a|b`, `{x}`. Keys encode it (lib/redis/sku-key.ts); separators that
 * sit next to a SKU are parsed from the side the SKU is not on (lib/domain/channel-targets.ts).
 * A lone surrogate is refused: it has no UTF-8 form, so it could not round-trip through Redis.
 */
export const skuSchema = z
  .string()
  .refine((s) => s.trim() !== "", "sku must not be blank")
  .refine((s) => !/[\uD800-\uDFFF]/u.test(s), "sku must be well-formed Unicode (no lone surrogates)")
  .refine((s) => [...s].length <= MAX_SKU_LENGTH, `sku is longer than ${MAX_SKU_LENGTH} characters`);

export const locationIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "locationId may hold letters, digits and . _ - only");

export const channelSchema = z.enum(["shopify", "marketplace", "pos", "erp"]);
export type Channel = z.infer<typeof channelSchema>;

export const sourceSchema = z.enum(["wms", "shopify", "marketplace", "pos"]);
export type Source = z.infer<typeof sourceSchema>;

/** Reservation key of one order line: `channel:orderId:lineId`. */
export const lineKeySchema = z
  .string()
  .min(3)
  .max(200)
  .regex(/^[^\s{}]+$/, "lineKey has no spaces or braces");

/** Printable ASCII without `|` (the Redis layout uses it as a separator); compared bytewise in Lua and JS alike. */
export const effectIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7B\x7D\x7E]+$/, "id must be printable ASCII without spaces or |");

const base = {
  id: effectIdSchema,
  sku: skuSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  source: sourceSchema,
  /** Where the change came from, for the movement ledger (I5), e.g. `shopify://orders/450789469`. */
  sourceUri: z.string().min(1).max(500),
};

const quantity = z.number().int().min(0).max(1_000_000);
const signedQuantity = z.number().int().min(-1_000_000).max(1_000_000);

export const stockEventSchema = z.discriminatedUnion("kind", [
  /** WMS: +q on-hand. */
  z.object({ ...base, kind: z.literal("receipt"), locationId: locationIdSchema, quantity }),
  /** WMS: +q on-hand (unit physically back). */
  z.object({ ...base, kind: z.literal("return"), locationId: locationIdSchema, quantity }),
  /** WMS: ±q on-hand (damage, shrinkage, found stock). */
  z.object({ ...base, kind: z.literal("adjustment"), locationId: locationIdSchema, quantity: signedQuantity }),
  /** WMS: −q on-hand; releases q of the line's reservation when it names one. */
  z.object({ ...base, kind: z.literal("pick"), locationId: locationIdSchema, quantity, lineKey: lineKeySchema.optional() }),
  /** WMS: absolute on-hand as of occurredAt. */
  z.object({ ...base, kind: z.literal("cycle_count"), locationId: locationIdSchema, quantity }),
  /** WMS: q units of a line could not be picked: −q on-hand, reservation stays, an oversell incident opens. */
  z.object({ ...base, kind: z.literal("short_pick"), locationId: locationIdSchema, quantity, lineKey: lineKeySchema.optional() }),
  /** Order channels: reserve q for one order line (locationId when the channel says where it sells from). */
  z.object({
    ...base,
    kind: z.literal("reserve"),
    channel: channelSchema,
    lineKey: lineKeySchema,
    quantity,
    locationId: locationIdSchema.optional(),
    /** Line value in shop currency minor units, for incident triage. */
    valueCents: z.number().int().min(0).optional(),
    /**
     * `false` when the channel may not have taken the units off its own count at the sale
     * (Shopify: an app-created order that may bypass inventory, a selling plan that may reserve
     * at fulfilment): the belief is re-read instead of lowered (lib/channels/own-sales.ts).
     */
    committed: z.literal(false).optional(),
  }),
  /**
   * Order channels: release q of a line's reservation (a refund of unshipped units). `restocked:
   * false` when the channel did not put them back on sale (restock_type no_restock: our own
   * oversell refunds, for units that never existed).
   */
  z.object({ ...base, kind: z.literal("release"), channel: channelSchema, lineKey: lineKeySchema, quantity, restocked: z.boolean().optional() }),
  /**
   * Order channels: the whole line is cancelled; releases whatever is still reserved.
   * `restocked: false` when the cancellation itself puts nothing back on the channel's count
   * (Shopify: what a cancellation restocked arrives as its refund's lines, i.e. as releases).
   */
  z.object({ ...base, kind: z.literal("cancel_line"), channel: channelSchema, lineKey: lineKeySchema, restocked: z.literal(false).optional() }),
  /**
   * Order channels: the channel put q units of a fulfilled line back on its own count at
   * `locationId` (Shopify: a refund line with restock_type "return"). No on-hand or reservation
   * change: the unit counts again only when the WMS books the return; only the belief moves.
   */
  z.object({
    ...base,
    kind: z.literal("channel_restock"),
    channel: channelSchema,
    lineKey: lineKeySchema,
    quantity,
    locationId: locationIdSchema.optional(),
  }),
  /**
   * Shopify routed (or moved) the line's fulfillment order to `locationId`: its outstanding
   * reservation sits there from now on. `routedAt` (when the routing was read, ms) orders
   * routings of one line, ties broken by id, so the newest routing wins in any delivery order.
   * Moves no on-hand and no channel count (lib/sources/shopify-routing.ts).
   */
  z.object({
    ...base,
    kind: z.literal("relocate"),
    channel: channelSchema,
    lineKey: lineKeySchema,
    locationId: locationIdSchema,
    // ≤ 14 digits: the apply script stores it through cjson, which keeps 14 significant digits.
    routedAt: z.number().int().min(0).max(99_999_999_999_999),
  }),
]);

export type StockEvent = z.infer<typeof stockEventSchema>;
export type StockEventKind = StockEvent["kind"];
