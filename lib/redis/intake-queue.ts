import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { stockEventSchema, type Source, type StockEvent } from "../domain/events";
import { INTAKE_GROUP, keys } from "./keys";
import { decodeStored, storedJson } from "./stored-json";
import { runScript } from "./run-script";
import { ENQUEUE_LUA } from "./scripts/enqueue";

/**
 * How long a delivery id is remembered for dedupe: well past Shopify's retries, "a total of 8
 * times over 4 hours" (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism).
 */
const SEEN_TTL_SECONDS = 7 * 24 * 3600;
const DEAD_LETTER_KEEP = 1_000;

/**
 * Durably queue one delivery's events (I7: this resolves only after Redis has the entry).
 * Returns the stream id, or `null` when the delivery id was seen before.
 */
export async function enqueueDelivery(
  redis: Redis,
  source: Source,
  deliveryId: string | null,
  events: readonly StockEvent[],
  now = Date.now(),
): Promise<string | null> {
  const id = await runScript(
    redis,
    ENQUEUE_LUA,
    [keys.intakeStream, keys.intakeSeen(source, deliveryId ?? "-")],
    [source, JSON.stringify(events), String(now), String(SEEN_TTL_SECONDS), deliveryId ? "1" : "0"],
  );
  return typeof id === "string" ? id : null;
}

export interface QueuedDelivery {
  streamId: string;
  source: string;
  receivedAt: number;
  events: StockEvent[];
}

const entrySchema = z.tuple([z.string(), z.array(z.unknown())]);

function decodeEntry(raw: unknown): QueuedDelivery | { streamId: string; broken: string } | null {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) return null;
  const [streamId, flat] = parsed.data;
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
  const events = storedJson(z.array(stockEventSchema)).safeParse(fields.get("events"));
  if (!events.success) return { streamId, broken: events.error.issues[0]?.message ?? "bad entry" };
  return { streamId, source: String(fields.get("src") ?? ""), receivedAt: Number(fields.get("rcv")) || 0, events: events.data };
}

export interface ReadBatch {
  deliveries: QueuedDelivery[];
  /** Entries that can never be applied (written by a foreign producer): acked and dead-lettered. */
  broken: { streamId: string; reason: string }[];
}

function decodeEntries(entries: readonly unknown[]): ReadBatch {
  const batch: ReadBatch = { deliveries: [], broken: [] };
  for (const raw of entries) {
    const entry = decodeEntry(raw);
    if (entry === null) continue;
    if ("broken" in entry) batch.broken.push({ streamId: entry.streamId, reason: entry.broken });
    else batch.deliveries.push(entry);
  }
  return batch;
}

/** Per client (one database each): a process that talks to two databases creates the group in both. */
const groupReady = new WeakMap<Redis, Promise<void>>();

/** Create the consumer group once per process and database (BUSYGROUP means it exists). */
export function ensureGroup(redis: Redis): Promise<void> {
  let ready = groupReady.get(redis);
  if (!ready) {
    ready = redis.xgroup(keys.intakeStream, { type: "CREATE", group: INTAKE_GROUP, id: "0", options: { MKSTREAM: true } }).then(
      () => undefined,
      (error: unknown) => {
        if (!String(error).includes("BUSYGROUP")) {
          groupReady.delete(redis);
          throw error;
        }
      },
    );
    groupReady.set(redis, ready);
  }
  return ready;
}

/** New entries for this consumer, plus entries another consumer left pending for longer than `claimIdleMs`. */
export async function readBatch(redis: Redis, consumer: string, count: number, claimIdleMs: number): Promise<ReadBatch> {
  await ensureGroup(redis);
  const [claimed, fresh] = await Promise.all([
    redis.xautoclaim(keys.intakeStream, INTAKE_GROUP, consumer, claimIdleMs, "0-0", { count }),
    redis.xreadgroup(INTAKE_GROUP, consumer, keys.intakeStream, ">", { count }),
  ]);
  const claimedEntries = Array.isArray(claimed[1]) ? claimed[1] : [];
  const freshEntries = z.array(z.tuple([z.unknown(), z.array(z.unknown())])).safeParse(fresh);
  return decodeEntries([...claimedEntries, ...(freshEntries.success ? freshEntries.data.flatMap(([, entries]) => entries) : [])]);
}

/** Done with these entries: ack and delete, so the stream holds only work in flight. */
export async function acknowledge(redis: Redis, streamIds: readonly string[]): Promise<void> {
  const [first, ...rest] = streamIds;
  if (!first) return;
  const pipeline = redis.pipeline();
  pipeline.xack(keys.intakeStream, INTAKE_GROUP, [first, ...rest]);
  pipeline.xdel(keys.intakeStream, [first, ...rest]);
  await pipeline.exec();
}

export const deadLetterSchema = z.object({
  source: z.string(),
  receivedAt: z.string(),
  error: z.string(),
  field: z.string().nullable(),
  /** The raw payload as received, so a fix can replay it. */
  body: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export async function pushDeadLetter(redis: Redis, letter: DeadLetter): Promise<void> {
  const pipeline = redis.pipeline();
  pipeline.lpush(keys.deadLetters, JSON.stringify(letter));
  pipeline.ltrim(keys.deadLetters, 0, DEAD_LETTER_KEEP - 1);
  await pipeline.exec();
}

export async function readDeadLetters(redis: Redis, limit = 50): Promise<DeadLetter[]> {
  const raw = await redis.lrange(keys.deadLetters, 0, limit - 1);
  return raw.flatMap((item) => {
    const letter = decodeStored(deadLetterSchema, item);
    return letter ? [letter] : [];
  });
}

/** Entries waiting or in flight: the backlog the ops page and the benchmarks watch. */
export const queueLength = (redis: Redis): Promise<number> => redis.xlen(keys.intakeStream);
