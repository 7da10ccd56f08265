import type { Redis } from "@upstash/redis";
import { z } from "zod";
import type { Channel } from "../domain/events";
import type { DriftAction, DriftHistory } from "../domain/drift";
import { channelKeys, keys, reconKeys } from "./keys";
import { runScript } from "./run-script";
import { SET_BELIEVED_FENCED_LUA } from "./scripts/channel-scripts";
import { decodeStored, decodeStoredList, storedJson } from "./stored-json";

/**
 * Redis state of the drift pass: where the pass is (so it resumes after a crash or a
 * timeout), what each target looked like last time, the drift time series, the "needs a
 * human" list and alerts.
 */
export const passPositionSchema = z.object({ channel: z.number().int().min(0), segment: z.number().int().min(0), cursor: z.string().nullable() });
export type PassPosition = z.infer<typeof passPositionSchema>;

export const passSchema = z.object({
  id: z.string(),
  startedAt: z.coerce.number(),
  finishedAt: z.coerce.number().optional(),
  total: z.coerce.number(),
  done: z.coerce.number(),
  drifted: z.coerce.number(),
  corrected: z.coerce.number(),
  needsHuman: z.coerce.number(),
  alerts: z.coerce.number(),
  stale: z.coerce.number(),
  position: storedJson(passPositionSchema),
  /** Fencing token per channel, taken when the pass started. */
  fences: storedJson(z.record(z.string(), z.number())),
});
export type PassState = z.infer<typeof passSchema>;

export async function readPass(redis: Redis): Promise<PassState | null> {
  const raw = await redis.hgetall<Record<string, unknown>>(reconKeys.pass);
  if (!raw || Object.keys(raw).length === 0) return null;
  return decodeStored(passSchema, raw);
}

export async function startPass(redis: Redis, channels: readonly Channel[], total: number, now: number): Promise<PassState> {
  const fences = Object.fromEntries(await Promise.all(channels.map(async (c) => [c, await redis.incr(channelKeys.reconFence(c))] as const)));
  const pass: PassState = {
    id: `p${now.toString(36)}`,
    startedAt: now,
    total,
    done: 0,
    drifted: 0,
    corrected: 0,
    needsHuman: 0,
    alerts: 0,
    stale: 0,
    position: { channel: 0, segment: 0, cursor: null },
    fences,
  };
  await redis.del(reconKeys.pass);
  await savePass(redis, pass);
  return pass;
}

export async function savePass(redis: Redis, pass: PassState): Promise<void> {
  const { position, fences, finishedAt, ...counters } = pass;
  await redis.hset(reconKeys.pass, {
    ...counters,
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    position: JSON.stringify(position),
    fences: JSON.stringify(fences),
  });
}

export const targetField = (channel: Channel, sku: string, location: string) => `${channel}|${sku}|${location}`;

const historySchema = z.object({ drift: z.number(), sinceMs: z.number() });

export async function readHistory(redis: Redis, fields: readonly string[]): Promise<Map<string, DriftHistory>> {
  if (fields.length === 0) return new Map();
  const raw = (await redis.hmget<Record<string, unknown>>(reconKeys.history, ...fields)) ?? {};
  return new Map(
    Object.entries(raw).flatMap(([field, value]) => {
      const history = decodeStored(historySchema, value);
      return history ? [[field, history] as const] : [];
    }),
  );
}

export interface TargetRecord {
  field: string;
  channel: Channel;
  sku: string;
  location: string;
  actual: number;
  wanted: number;
  believed: number | null;
  action: DriftAction;
  history: DriftHistory | null;
  at: number;
}

/** What every stored record of one target says: where, what the channel had, what we wanted. */
const targetObservation = z.object({
  channel: z.string(),
  sku: z.string(),
  location: z.string(),
  actual: z.number(),
  wanted: z.number(),
  drift: z.number(),
});

/** `reconKeys.latest`: the last observation of one target. */
export const latestObservationSchema = targetObservation.extend({ believed: z.number().nullable(), action: z.string(), at: z.number() });
export type LatestObservation = z.infer<typeof latestObservationSchema>;

/** `reconKeys.human`: a drift beyond the auto-correct limit, waiting for a person. */
export const humanItemSchema = targetObservation.extend({ since: z.number() });
export type HumanItem = z.infer<typeof humanItemSchema>;

/** `reconKeys.alerts`: one drift alert. */
export const driftAlertSchema = targetObservation.extend({ at: z.string(), passId: z.string(), action: z.string() });
export type DriftAlert = z.infer<typeof driftAlertSchema>;

/** The latest observations of these targets (fields: `channel|sku|location`); targets never observed are absent. */
export async function readLatest(redis: Redis, fields: readonly string[]): Promise<Map<string, LatestObservation>> {
  if (fields.length === 0) return new Map();
  const raw = (await redis.hmget<Record<string, unknown>>(reconKeys.latest, ...fields)) ?? {};
  return new Map(
    Object.entries(raw).flatMap(([field, value]) => {
      const observation = decodeStored(latestObservationSchema, value);
      return observation ? [[field, observation] as const] : [];
    }),
  );
}

/** Up to `limit` human items, the largest drift first. */
export async function readHumanItems(redis: Redis, limit: number): Promise<HumanItem[]> {
  const raw = (await redis.hgetall<Record<string, unknown>>(reconKeys.human)) ?? {};
  return decodeStoredList(humanItemSchema, Object.values(raw))
    .sort((a, b) => Math.abs(b.drift) - Math.abs(a.drift))
    .slice(0, limit);
}

/** The newest `limit` drift alerts. */
export async function readDriftAlerts(redis: Redis, limit: number): Promise<DriftAlert[]> {
  return decodeStoredList(driftAlertSchema, await redis.lrange(reconKeys.alerts, 0, limit - 1));
}

/** One page's observations: latest values, drift history, the human list. */
export async function recordTargets(redis: Redis, records: readonly TargetRecord[]): Promise<void> {
  if (records.length === 0) return;
  const latest = Object.fromEntries(
    records.map((r) => [
      r.field,
      JSON.stringify({
        channel: r.channel,
        sku: r.sku,
        location: r.location,
        actual: r.actual,
        wanted: r.wanted,
        believed: r.believed,
        action: r.action.kind,
        drift: r.actual - r.wanted,
        at: r.at,
      } satisfies LatestObservation),
    ]),
  );
  const keep = records.filter((r) => r.history);
  const clear = records.filter((r) => !r.history).map((r) => r.field);
  const human = records.filter((r) => r.action.kind === "needs_human");
  const resolved = records.filter((r) => r.action.kind !== "needs_human").map((r) => r.field);
  const pipeline = redis.pipeline();
  pipeline.hset(reconKeys.latest, latest);
  if (keep.length) pipeline.hset(reconKeys.history, Object.fromEntries(keep.map((r) => [r.field, JSON.stringify(r.history)])));
  if (clear.length) pipeline.hdel(reconKeys.history, ...clear);
  if (human.length)
    pipeline.hset(
      reconKeys.human,
      Object.fromEntries(
        human.map((r) => [
          r.field,
          JSON.stringify({
            channel: r.channel,
            sku: r.sku,
            location: r.location,
            actual: r.actual,
            wanted: r.wanted,
            drift: r.actual - r.wanted,
            since: r.history?.sinceMs ?? r.at,
          } satisfies HumanItem),
        ]),
      ),
    );
  if (resolved.length) pipeline.hdel(reconKeys.human, ...resolved);
  await pipeline.exec();
}

const SERIES_MAX = 20_000;
const ALERTS_MAX = 500;

export async function appendSeries(
  redis: Redis,
  entry: { passId: string; channel: Channel; checked: number; drifted: number; absDrift: number; corrected: number; stale: number; at: number },
): Promise<void> {
  await redis.xadd(reconKeys.series, "*", Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, String(v)])), {
    trim: { type: "MAXLEN", threshold: SERIES_MAX, comparison: "~" },
  });
}

export async function pushAlerts(redis: Redis, alerts: readonly DriftAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  await redis.lpush(reconKeys.alerts, ...alerts.map((a) => JSON.stringify(a)));
  await redis.ltrim(reconKeys.alerts, 0, ALERTS_MAX - 1);
}

/** Tracked SKUs by rank (first seen first), for sweeps over our own list. */
export const trackedPage = (redis: Redis) => (offset: number, count: number) => redis.zrange<string[]>(keys.trackedSkus, offset, offset + count - 1);
export const trackedCount = (redis: Redis) => redis.zcard(keys.trackedSkus);

/** Beliefs after a correction landed, only while this pass holds the channel's fence. */
export async function setBelievedFenced(
  redis: Redis,
  channel: Channel,
  token: number,
  passId: string,
  values: ReadonlyMap<string, number>,
  now: number,
): Promise<boolean> {
  if (values.size === 0) return true;
  const result = await runScript(
    redis,
    SET_BELIEVED_FENCED_LUA,
    [channelKeys.reconFence(channel), channelKeys.believed(channel), channelKeys.log(channel)],
    [String(token), String(now), "10000", passId, ...[...values].flatMap(([field, value]) => [field, String(value)])],
  );
  return Number(result) >= 0;
}
