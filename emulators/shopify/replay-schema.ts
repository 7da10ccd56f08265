import { z } from "zod";
import { adjustmentGroupDataSchema } from "./adjustment-group-data";

/**
 * What an `@idempotent` mutation's first answer is rebuilt from when its key comes back after
 * a restart: the answers themselves are live GraphQL objects (functions of the selection), so
 * the state file keeps their data instead. A refund replay reads its order as it is now, as it
 * did before the restart.
 */
const userErrorSchema = z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string() });

export const replaySchema = z.discriminatedUnion("kind", [
  /** Nothing applied: the payload's other fields were null. */
  z.object({ kind: z.literal("refused"), nullFields: z.array(z.string()), userErrors: z.array(userErrorSchema) }),
  z.object({ kind: z.literal("adjustmentGroup"), group: adjustmentGroupDataSchema }),
  z.object({ kind: z.literal("refund"), orderId: z.number().int(), refundId: z.number().int() }),
]);
export type Replay = z.infer<typeof replaySchema>;
