import { z } from "zod";
import { pendingDeliverySchema } from "../shared/webhook-sender";

/**
 * A webhook or WMS forward not yet acknowledged, as the state file keeps it: the payload and
 * headers of the event; where it goes comes from the options. Its own file so webhooks.ts can
 * resume deliveries without importing the whole saved shop.
 */
export const savedDeliverySchema = pendingDeliverySchema
  .pick({ attempt: true, dueAt: true })
  .extend({ body: z.unknown(), headers: z.record(z.string(), z.string()).optional() });
export type SavedDelivery = z.infer<typeof savedDeliverySchema>;
