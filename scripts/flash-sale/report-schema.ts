import { z } from "zod";

/**
 * The flash-sale report (`report.json`): one section per mode on identical traffic, then the
 * targets checked. The smoke test validates a run's report against this schema.
 */
export const CHANNELS = ["shopify", "marketplace", "pos"] as const;
export const channelSchema = z.enum(CHANNELS);
export type SaleChannel = z.infer<typeof channelSchema>;

export const summarySchema = z.object({
  count: z.number().int().min(0),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});
export type Summary = z.infer<typeof summarySchema>;

const perChannel = <T extends z.ZodType>(value: T) => z.object({ shopify: value, marketplace: value, pos: value });

const unitsOrders = z.object({ units: z.number().int().min(0), orders: z.number().int().min(0) });

export const incidentRowSchema = z.object({
  orderId: z.string(),
  channel: channelSchema,
  sku: z.string(),
  units: z.number().int().min(1),
  /** Offsets from the start of the sale, real ms. */
  acceptedAtMs: z.number(),
  /** Order accepted → the system knew (ours: incident opened; naive: the picker found the shelf empty). */
  detectMs: z.number().nullable(),
  /** Order accepted → refund + apology code + email done, or escalated to a human; null: never. */
  recoverMs: z.number().nullable(),
  outcome: z.string(),
});

export const driftPointSchema = z.object({ tMs: z.number(), shopify: z.number(), marketplace: z.number() });

export const modeReportSchema = z.object({
  mode: z.enum(["ours", "naive"]),
  realDurationMs: z.number(),
  traffic: z.object({
    attempts: perChannel(z.number().int().min(0)),
    accepted: perChannel(unitsOrders),
    refused: perChannel(z.number().int().min(0)),
    browser: z.object({
      shoppers: z.number().int().min(0),
      ordered: z.number().int().min(0),
      refused: z.number().int().min(0),
      sawSoldOut: z.number().int().min(0),
      failed: z.number().int().min(0),
    }),
    restockedUnits: z.number().int().min(0),
  }),
  /** What the warehouse could not ship (short picks), by the channel that took the order. */
  oversold: z.object({ units: z.number().int().min(0), orders: z.number().int().min(0), byChannel: perChannel(unitsOrders) }),
  /** Oversold units beyond what the propagation window and the buffers allow (ours must be 0). */
  buffer: z.object({ windowMs: z.number(), permittedUnits: z.number().int().min(0), preventableUnits: z.number().int().min(0), explanation: z.string() }),
  incidents: z.array(incidentRowSchema),
  detectMs: summarySchema,
  recoverMs: summarySchema,
  badge: z.object({ reads: z.number().int().min(0), staleReads: z.number().int().min(0), staleShare: z.number().min(0).max(1) }),
  stockApi: z.object({ idle: summarySchema, load: summarySchema }).nullable(),
  webhookAckMs: summarySchema.nullable(),
  propagationMs: z.object({ shopify: summarySchema, marketplace: summarySchema }),
  shopify: z.object({
    adminCalls: z.number().int().min(0),
    mutations: z.number().int().min(0),
    throttled: z.number().int().min(0),
    peakBucket: z.number().min(0),
    bucketSize: z.number().positive(),
  }),
  /** Units the channels offered that did not exist (Σ over SKUs of max(0, channel − truth)), sampled over the run. */
  drift: z.array(driftPointSchema),
  screenshots: z.array(z.object({ label: z.string(), file: z.string() })),
});
export type ModeReport = z.infer<typeof modeReportSchema>;

export const targetSchema = z.object({ name: z.string(), met: z.boolean(), detail: z.string() });

export const reportSchema = z.object({
  scenario: z.object({
    name: z.string(),
    description: z.string(),
    seed: z.number().int(),
    durationSec: z.number(),
    timeCompression: z.number(),
    skus: z.array(z.string()),
  }),
  generatedAt: z.string(),
  modes: z.object({ ours: modeReportSchema.optional(), naive: modeReportSchema.optional() }),
  targets: z.array(targetSchema),
});
export type FlashSaleReport = z.infer<typeof reportSchema>;
