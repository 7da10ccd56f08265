import { encodeSkuForKey } from "./sku-key";

/**
 * Every Redis key in one place. Keys that belong to one SKU share the `{sku}` hash tag so
 * that a Lua script touching them runs on one Redis Cluster slot (docs/architecture.md#redis-keys).
 */
const sku = (s: string) => `stk:{${encodeSkuForKey(s)}}`;

export const keys = {
  /** Hash: `oh:<loc>` on-hand, `rs:<loc>` / `rs:*` outstanding reservations, `buf:<channel>` buffer override, `v`, `at`. */
  projection: (s: string) => `${sku(s)}:p`,
  /** Hash of applied effect ids (I1) → `lineDelta|lineLocation` of their first application. */
  applied: (s: string) => `${sku(s)}:ev`,
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
  /** Incident id → the merchant's decision, apart from the incident so a recovery run's save cannot overwrite it. */
  incidentDecisions: "incidents:decisions",
  /** List: buffer edits (JSON, `bufferAuditSchema`), newest first, capped at 5,000. */
  bufferAudit: "audit:buffers",
  /** Hash: SKU → id of its open oversold incident (one per SKU at a time). */
  oversoldIndex: "incidents:oversold",
  /** String: the recovery lease (one recovery run at a time). */
  recoveryLock: "recovery:{r}:lock",
  /** Hash: one minute's counters (fields: `metricFields`), expiring after two hours. */
  metricsMinute: (minute: number) => `metrics:${minute}`,
  /** Prefix of the /api/stock rate limiter's sliding-window keys (@upstash/ratelimit appends the client and window). */
  stockRateLimitPrefix: "rl:stock",
  /** Counter: failed /ops sign-ins from one client in one minute (expires with the minute). */
  opsLoginAttempts: (client: string, minute: number) => `ops:login:${client}:${minute}`,
} as const;

/** The email outbox (both keys in the `{mail}` slot: one Lua script appends to both). */
export const outboxKeys = {
  /** List: rendered mails, newest first (capped). */
  messages: "outbox:{mail}:messages",
  /** Hash: idempotency key → 1, so a retried send is stored once. */
  ids: "outbox:{mail}:ids",
} as const;

/**
 * Fields of the projection hash (`keys.projection`). The apply script (lib/redis/scripts/apply-event.ts)
 * writes them, the buffer editor writes `buffer`, lib/redis/projection-codec.ts decodes them all.
 */
export const projectionFields = {
  onHandPrefix: "oh:",
  reservedPrefix: "rs:",
  /** Reservations not yet at a location (online orders before the pick). */
  unassigned: "rs:*",
  bufferPrefix: "buf:",
  version: "v",
  updatedAt: "at",
  onHand: (location: string) => `oh:${location}`,
  reserved: (location: string) => `rs:${location}`,
  buffer: (channel: string) => `buf:${channel}`,
} as const;

/** Field names of the per-minute metrics hash (`keys.metricsMinute`): written by the workers and routes, read by the ops overview. */
export const metricFields = {
  /** Events accepted from a source, and the sum and count of their webhook lag in ms. */
  in: (source: string) => `in:${source}`,
  lagSum: (source: string) => `lag:${source}`,
  lagCount: (source: string) => `lagn:${source}`,
  /** Writes sent to a channel and their total duration in ms. */
  out: (channel: string) => `out:${channel}`,
  outMs: (channel: string) => `outms:${channel}`,
  /** Drift-pass page reads of a channel. */
  read: (channel: string) => `read:${channel}`,
  /** Cron invocations of a worker route. */
  cron: (job: string) => `cron:${job}`,
  /** /api/stock requests and the SKUs they asked for. */
  stock: "stock",
  stockSkus: "stock:skus",
} as const;

/** Per-channel keys share the `{channel}` hash tag: one Lua script can update them together. */
const ch = (c: string) => `ch:{${c}}`;
export const channelKeys = {
  /** Hash: SKU → projection version that needs writing. */
  dirty: (c: string) => `${ch(c)}:dirty`,
  /** Hash: `sku|location` → the quantity we believe the channel holds. */
  believed: (c: string) => `${ch(c)}:believed`,
  /** Hash: idempotency key → batch JSON, saved before sending, deleted once applied. */
  inflight: (c: string) => `${ch(c)}:inflight`,
  /** Hash: `sku|location` → an item the channel refused for good (code, message, parked dirty version); see channel-store rejectItems. */
  rejected: (c: string) => `${ch(c)}:rejected`,
  /** Hash: the channel's token bucket. */
  bucket: (c: string) => `${ch(c)}:bucket`,
  /** Stream: the sync log (one entry per write). */
  log: (c: string) => `${ch(c)}:log`,
  /** Hash: counters for the ops page and benchmarks. */
  stats: (c: string) => `${ch(c)}:stats`,
  /** Hash: event ids whose own-sale effect is already in `believed` (applied once). */
  sales: (c: string) => `${ch(c)}:sales`,
  /** Set: SKUs whose per-location split must be re-read before the next write (a sale at an unknown location). */
  resplit: (c: string) => `${ch(c)}:resplit`,
  /** String: the flush lease (one flusher per channel). */
  flushLock: (c: string) => `${ch(c)}:flush-lock`,
  /** Counter: the drift pass's fencing token for this channel (one per pass); a correction's belief update must carry the current one. */
  reconFence: (c: string) => `${ch(c)}:recon-fence`,
};

/** The drift pass (one reconciler at a time; keys share the `{r}` tag for its Lua). */
export const reconKeys = {
  /** Hash: the current or last pass (id, position, counters, times). */
  pass: "recon:{r}:pass",
  /** String: the pass lease. */
  lock: "recon:{r}:lock",
  /** Hash: `channel|sku|location` → `{drift, sinceMs}` while a drift persists. */
  history: "recon:{r}:history",
  /** Hash: `channel|sku|location` → the last observation (actual, wanted, believed, action). */
  latest: "recon:{r}:latest",
  /** Hash: `channel|sku|location` → drift beyond the auto-correct limit, for a human. */
  human: "recon:{r}:human",
  /** Stream: one entry per page (the drift time series). */
  series: "recon:{r}:series",
  /** List: drift alerts, newest first (capped). */
  alerts: "recon:{r}:alerts",
} as const;

/** String: the Shopify Admin access token from the client-credentials grant, JSON `{token, expiresAt}` (`lib/shopify/access-token.ts`), expiring with the token. */
export const shopifyAccessTokenKey = "shopify:admin-token";

/** String: set while a "channel refuses our credentials" alert stands (expires after an hour: one alert per channel per hour at most). */
export const authAlertKey = (channel: string) => `alert:auth:${channel}`;

/** Hash: SKU → Shopify inventory item gid (looked up once). */
export const shopifyItemsKey = "shopify:items";

export const INTAKE_GROUP = "appliers";
