import { z } from "zod";
import { effectIdSchema, locationIdSchema, skuSchema } from "../../lib/domain/events";
import { savedKeySchema, type ReplyKeys } from "../shared/reply-keys";
import type { ErpMovement, ErpProjectionRow } from "./erp-records";

/**
 * What the ERP keeps across a restart, as a real one would: the latest projection per SKU
 * (and per location), the movements booked (the newest ones, so a re-sent movement is still
 * a duplicate) and idempotency keys within their window (a re-sent batch is still a replay).
 *
 * Not kept: counters and stats (they restart from 0).
 */

/** Movements kept (newest), in memory as on disk; unbounded memory would keep 100,000, too many to rewrite on every request. */
export const MAX_MOVEMENTS_SAVED = 5_000;
/** Idempotency keys kept: those within the store's TTL (24 h), and of those the newest this many. */
export const MAX_KEYS_SAVED = 5_000;

const count = z.number().int();

const rowSchema = z.object({
  available: z.number().int().min(0),
  onHand: count.optional(),
  reserved: count.optional(),
  asOf: z.string(),
  receivedAt: z.string(),
});

export const erpStateSchema = z.object({
  projections: z.record(skuSchema, rowSchema),
  byLocation: z.record(skuSchema, z.record(locationIdSchema, rowSchema)),
  /** Oldest first. */
  movements: z.array(
    z.object({
      id: effectIdSchema,
      sku: skuSchema,
      kind: z.string().min(1),
      occurredAt: z.string(),
      locationId: locationIdSchema.optional(),
      quantity: count.optional(),
      before: count.optional(),
      after: count.optional(),
      sourceUri: z.string().optional(),
    }),
  ),
  idempotency: z.array(savedKeySchema),
});
export type ErpState = z.infer<typeof erpStateSchema>;

export interface ErpBooks {
  totals: Map<string, ErpProjectionRow>;
  perLocation: Map<string, Map<string, ErpProjectionRow>>;
  movements: Map<string, ErpMovement>;
  idempotency: ReplyKeys;
}

export function snapshotErp(books: ErpBooks): ErpState {
  return {
    projections: Object.fromEntries(books.totals),
    byLocation: Object.fromEntries([...books.perLocation].map(([sku, rows]) => [sku, Object.fromEntries(rows)])),
    movements: [...books.movements.values()],
    idempotency: books.idempotency.saved(),
  };
}

export function restoreErp(state: ErpState, books: ErpBooks): void {
  books.totals.clear();
  for (const [sku, row] of Object.entries(state.projections)) books.totals.set(sku, row);
  books.perLocation.clear();
  for (const [sku, rows] of Object.entries(state.byLocation)) books.perLocation.set(sku, new Map(Object.entries(rows)));
  books.movements.clear();
  for (const m of state.movements) books.movements.set(m.id, m);
  books.idempotency.restore(state.idempotency);
}
