import type { Redis } from "@upstash/redis";
import { z } from "zod";
import type { Policy } from "../config/policy";
import { desiredTargets } from "../channels/plan";
import { targetKey } from "../domain/channel-targets";
import type { Channel } from "../domain/events";
import { readBelieved } from "../redis/channel-store";
import { keys } from "../redis/keys";
import type { SkuSnapshot } from "../domain/projection";
import { readSnapshots } from "../redis/projection-store";
import { readLatest, targetField } from "../redis/reconcile-store";

/**
 * The SKU table of the ops page: one page (or the matches of a search) at a time, each SKU
 * with on-hand and reserved, and per channel what the projection wants it to hold, what we
 * believe it holds and what the last drift pass saw it hold.
 */
export interface ChannelCell {
  wanted: number;
  believed: number | null;
  /** What the last drift pass saw, and the drift it measured then (against what was wanted then). */
  actual: number | null;
  drift: number | null;
}

export interface SkuRow {
  sku: string;
  onHand: number;
  reserved: number;
  buffers: Partial<Record<Channel, number>>;
  channels: Partial<Record<Channel, ChannelCell>>;
}

export const PAGE_SIZE = 50;

async function findSkus(redis: Redis, q: string, page: number): Promise<{ skus: string[]; total: number }> {
  if (!q) {
    const [total, skus] = await Promise.all([
      redis.zcard(keys.trackedSkus),
      redis.zrange<string[]>(keys.trackedSkus, page * PAGE_SIZE, page * PAGE_SIZE + PAGE_SIZE - 1),
    ]);
    return { skus, total };
  }
  // Search by substring: one scan of the tracked set (10,000 SKUs ≈ 10 round trips).
  const pattern = `*${q.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  const matches: string[] = [];
  let cursor: string | number = 0;
  do {
    const [next, items]: [string | number, (string | number)[]] = await redis.zscan(keys.trackedSkus, cursor, { match: pattern, count: 1_000 });
    for (let i = 0; i < items.length; i += 2) matches.push(String(items[i]));
    cursor = next;
  } while (String(cursor) !== "0");
  matches.sort();
  return { skus: matches.slice(page * PAGE_SIZE, page * PAGE_SIZE + PAGE_SIZE), total: matches.length };
}

const total = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

interface Seen {
  actual: number;
  drift: number;
}

export function rowOf(
  sku: string,
  snapshot: SkuSnapshot,
  policy: Policy,
  believed: Partial<Record<Channel, Map<string, number>>>,
  latest: Record<string, Seen | null>,
): SkuRow {
  const channels: SkuRow["channels"] = {};
  for (const [channel, channelPolicy] of Object.entries(policy.channels) as [Channel, NonNullable<Policy["channels"][Channel]>][]) {
    const wanted = desiredTargets(snapshot, channel, channelPolicy);
    const locations = [...wanted.keys()];
    const sumOf = (value: (location: string) => number | null | undefined) => {
      const parts = locations.map(value);
      return parts.some((p) => p === null || p === undefined) ? null : parts.reduce<number>((a, b) => a + (b ?? 0), 0);
    };
    channels[channel] = {
      wanted: [...wanted.values()].reduce((a, b) => a + b, 0),
      believed: sumOf((l) => believed[channel]?.get(targetKey(sku, l))),
      actual: sumOf((l) => latest[targetField(channel, sku, l)]?.actual),
      drift: sumOf((l) => latest[targetField(channel, sku, l)]?.drift),
    };
  }
  return {
    sku,
    onHand: total(snapshot.projection.onHand),
    reserved: total(snapshot.projection.reserved) + snapshot.projection.unassigned,
    buffers: snapshot.buffers,
    channels,
  };
}

export async function listSkus(
  redis: Redis,
  policy: Policy,
  q: string,
  page: number,
): Promise<{ rows: SkuRow[]; total: number; page: number; pageSize: number }> {
  const { skus, total: count } = await findSkus(redis, q.trim().toUpperCase(), page);
  const snapshots = await readSnapshots(redis, skus);
  const channels = Object.keys(policy.channels) as Channel[];
  const locations = (c: Channel) => (policy.channels[c]?.locationAware ? (policy.channels[c]?.locations ?? []) : ["*"]);
  const believedEntries = await Promise.all(
    channels.map(
      async (c) =>
        [
          c,
          await readBelieved(
            redis,
            c,
            skus.flatMap((s) => locations(c).map((l) => targetKey(s, l))),
          ),
        ] as const,
    ),
  );
  const fields = channels.flatMap((c) => skus.flatMap((s) => locations(c).map((l) => targetField(c, s, l))));
  const observed = await readLatest(redis, fields);
  const latest = Object.fromEntries(
    fields.map((field) => {
      const o = observed.get(field);
      return [field, o ? { actual: o.actual, drift: o.drift } : null];
    }),
  );
  const believed = Object.fromEntries(believedEntries) as Partial<Record<Channel, Map<string, number>>>;
  const rows = skus.flatMap((sku) => {
    const snapshot = snapshots.get(sku);
    return snapshot ? [rowOf(sku, snapshot, policy, believed, latest)] : [];
  });
  return { rows, total: count, page, pageSize: PAGE_SIZE };
}

/** One movement of the SKU's ledger stream (`keys.ledger`), as the apply script writes it. */
const ledgerEntrySchema = z.object({
  event: z.coerce.string(),
  kind: z.coerce.string(),
  effect: z.coerce.string(),
  source: z.coerce.string(),
  loc: z.coerce.string().default(""),
  qty: z.coerce.string().default(""),
  occurredAt: z.coerce.string(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema> & { id: string };

/** The newest `count` ledger entries of one SKU, newest first; entries of another shape are skipped. */
export async function readLedger(redis: Redis, sku: string, count: number): Promise<LedgerEntry[]> {
  const raw = (await redis.xrevrange(keys.ledger(sku), "+", "-", count)) as Record<string, Record<string, unknown>>;
  return Object.entries(raw).flatMap(([id, fields]) => {
    const entry = ledgerEntrySchema.safeParse(fields);
    return entry.success ? [{ id, ...entry.data }] : [];
  });
}
