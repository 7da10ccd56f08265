/**
 * Every Redis key in one place. Keys that belong to one SKU share the `{sku}` hash tag so
 * that a Lua script touching them runs on one Redis Cluster slot (DESIGN §6).
 */
const sku = (s: string) => `stk:{${s}}`;

export const keys = {
  /** Hash: `oh:<loc>` on-hand, `rs:<loc>` / `rs:*` outstanding reservations, `buf:<channel>` buffer override, `v`, `at`. */
  projection: (s: string) => `${sku(s)}:p`,
  /** Set of applied effect ids (I1). */
  applied: (s: string) => `${sku(s)}:e`,
  /** Hash: location → `atMs|eventId|qty` of the last applied cycle count. */
  counts: (s: string) => `${sku(s)}:c`,
  /** Sorted set of on-hand deltas after the last count: member `delta|eventId`, score occurredAt ms. */
  movements: (s: string, loc: string) => `${sku(s)}:m:${loc}`,
  /** Hash: lineKey → JSON of the order line's sums. */
  lines: (s: string) => `${sku(s)}:l`,
  /** Stream: the movement ledger (I5). */
  ledger: (s: string) => `${sku(s)}:log`,

  /** Sorted set of every SKU we track (score: first seen ms). */
  trackedSkus: "stk:skus",
  /** Intake queue: one stream, one consumer group, plus the delivery-dedupe keys, in one slot. */
  intakeStream: "intake:{q}:stream",
  intakeSeen: (source: string, deliveryId: string) => `intake:{q}:seen:${source}:${deliveryId}`,
  /** List of authentic but malformed payloads, newest first. */
  deadLetters: "intake:dead",
  /** Hash: short_pick event id → incident JSON (recovery is a later stage). */
  incidents: "incidents:open",
} as const;

export const INTAKE_GROUP = "appliers";
