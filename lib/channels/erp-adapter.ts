import type { ErpClient } from "../erp/client";
import { ok } from "../http/call-result";
import { type ChannelAdapter } from "./types";
import { ANY_LOCATION, targetKey } from "../domain/channel-targets";

/**
 * The ERP receives absolute projections (it does not sell, so there is no concurrent
 * decrement to clobber). A belief it never got is "−1", so the first flush sends every SKU.
 */
export const ERP_NEVER_SENT = -1;

export function erpAdapter(client: ErpClient): ChannelAdapter {
  return {
    channel: "erp",
    maxBatch: 500,
    writeCost: 1,
    bucket: { capacity: 20, refillPerSecond: 10 },
    async readActual(targets) {
      return new Map(targets.map((t) => [targetKey(t.sku, ANY_LOCATION), ERP_NEVER_SENT]));
    },
    async applyDeltas(batch) {
      const asOf = new Date().toISOString();
      const result = await client.pushProjections(
        batch.key,
        batch.items.map((i) => ({ sku: i.sku, available: i.to, asOf })),
      );
      return result.kind === "ok" ? ok({}) : result;
    },
  };
}
