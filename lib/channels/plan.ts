import { createHash } from "node:crypto";
import type { ChannelPolicy } from "../config/policy";
import type { Channel } from "../domain/events";
import { availableToSell } from "../domain/available";
import type { SkuSnapshot } from "../domain/projection";
import { ANY_LOCATION, deltaOf, targetKey, type WriteBatch, type WriteItem } from "../domain/channel-targets";

/**
 * Pure planning of channel writes (docs/architecture.md#channel-writes): desired − believed per target, coalesced
 * (one item per SKU and location however many events moved it), batched, keyed.
 */

/** What the channel should show per target: per location, or one summed number. */
export function desiredTargets(
  snapshot: SkuSnapshot,
  channel: Channel,
  policy: Pick<ChannelPolicy, "defaultBuffer" | "locations" | "locationAware">,
): Map<string, number> {
  const ats = availableToSell(snapshot.projection, policy, snapshot.buffers[channel]);
  return policy.locationAware ? new Map(Object.entries(ats.locations)) : new Map([[ANY_LOCATION, ats.total]]);
}

export function planItems(args: {
  channel: Channel;
  policy: Pick<ChannelPolicy, "defaultBuffer" | "locations" | "locationAware">;
  snapshots: ReadonlyMap<string, SkuSnapshot | null>;
  believed: ReadonlyMap<string, number>;
}): WriteItem[] {
  const items: WriteItem[] = [];
  for (const [sku, snapshot] of args.snapshots) {
    if (!snapshot) continue;
    for (const [location, to] of desiredTargets(snapshot, args.channel, args.policy)) {
      const from = args.believed.get(targetKey(sku, location));
      if (from === undefined || from === to) continue;
      items.push({ sku, location, from, to, version: snapshot.version });
    }
  }
  return items;
}

/** Targets we hold no belief about yet: read them from the channel before writing. */
export function unknownTargets(args: {
  channel: Channel;
  policy: Pick<ChannelPolicy, "locations" | "locationAware">;
  skus: readonly string[];
  believed: ReadonlyMap<string, number>;
}): { sku: string; location: string }[] {
  const locations = args.policy.locationAware ? args.policy.locations : [ANY_LOCATION];
  return args.skus.flatMap((sku) => locations.filter((location) => !args.believed.has(targetKey(sku, location))).map((location) => ({ sku, location })));
}

/**
 * Deterministic idempotency key: the same transitions (channel, target, causing projection
 * version, from → to) always give the same key, and a later change never reuses one. `attempt`
 * > 0 after a failed attempt: Shopify spends a key that failed ("Retry with a new idempotency
 * key"), so the same transitions go again under another.
 */
export function batchKey(channel: Channel, items: readonly WriteItem[], attempt = 0): string {
  const hash = createHash("sha256").update(attempt > 0 ? `${channel}#${attempt}` : channel);
  for (const i of [...items].sort((a, b) => targetKey(a.sku, a.location).localeCompare(targetKey(b.sku, b.location)))) {
    hash.update(`\n${targetKey(i.sku, i.location)}|${i.version}|${i.from}|${i.to}`);
  }
  const h = hash.digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The same items, not applied, under the next attempt's key. */
export const retryBatch = (channel: Channel, items: readonly WriteItem[], attempt: number): WriteBatch => ({
  key: batchKey(channel, items, attempt),
  items: [...items],
  attempt,
});

export function toBatches(channel: Channel, items: readonly WriteItem[], maxBatch: number): WriteBatch[] {
  const batches: WriteBatch[] = [];
  const nonZero = items.filter((i) => deltaOf(i) !== 0);
  for (let i = 0; i < nonZero.length; i += maxBatch) {
    const slice = nonZero.slice(i, i + maxBatch);
    batches.push({ key: batchKey(channel, slice), items: slice });
  }
  return batches;
}
