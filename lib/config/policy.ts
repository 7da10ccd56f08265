import { z } from "zod";
import { channelSchema, locationIdSchema } from "../domain/events";

/**
 * Global policy, kept in Vercel Edge Config (one item per top-level key).
 * Per-SKU buffer overrides live in Redis, not here.
 */
export const channelPolicySchema = z.object({
  /** Kill switch: a disabled channel receives no outbound writes. */
  enabled: z.boolean(),
  /** Units held back from this channel for every SKU unless the SKU overrides it. */
  defaultBuffer: z.number().int().min(0).max(100_000),
  /** Locations this channel may sell from, in the channel's routing priority. */
  locations: z.array(locationIdSchema).min(1),
  /** Location-aware channels get one number per location; others get the sum. */
  locationAware: z.boolean(),
});
export type ChannelPolicy = z.infer<typeof channelPolicySchema>;

export const locationPolicySchema = z.object({
  name: z.string().min(1).max(100),
  /** Shoppers may pick up here (the badge then shows "pick up today at …"). */
  pickup: z.boolean(),
  /** The same place in Shopify (`gid://shopify/Location/…`), for inventory writes. */
  shopifyLocationId: z
    .string()
    .regex(/^gid:\/\/shopify\/Location\/\d+$/)
    .optional(),
});

export const policySchema = z.object({
  version: z.number().int().min(1),
  // A merchant without a marketplace or POS simply leaves that channel out.
  channels: z.partialRecord(channelSchema, channelPolicySchema),
  locations: z.record(locationIdSchema, locationPolicySchema),
  /** At or below this many units the badge says "only N left". */
  lowStockThreshold: z.number().int().min(0),
  storefront: z.object({
    /** The channel whose numbers the storefront shows. */
    channel: channelSchema,
    /** Badge refresh interval while the tab is visible. */
    refreshMs: z.number().int().min(500).max(60_000),
  }),
  drift: z.object({
    /** Alert when |channel − projection| exceeds this many units. */
    threshold: z.number().int().min(0),
    /** Auto-correct drift up to this many units; beyond it a human decides. */
    autoCorrectLimit: z.number().int().min(0),
    /**
     * A channel showing *less* than we want may just be a sale whose webhook is still on its
     * way: such drift is corrected only once it has held this long. Over-reporting (an
     * oversell risk) is corrected at once.
     */
    graceMs: z.number().int().min(0).max(3_600_000).default(120_000),
  }),
  /** How Shopify order webhooks are read (lib/sources/shopify.ts). */
  shopifyOrders: z
    .object({
      /**
       * `test: true` orders (test mode, Bogus gateway) are never picked by the warehouse:
       * "ignore" (the default) queues nothing for them; "reserve" treats them as real.
       */
      testOrders: z.enum(["ignore", "reserve"]).default("ignore"),
    })
    .default({ testOrders: "ignore" }),
  escalation: z.object({
    /** Oversold orders worth more than this (minor units) go to a human. */
    orderValueCents: z.number().int().min(0),
  }),
});
export type Policy = z.infer<typeof policySchema>;
