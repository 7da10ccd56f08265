import type { Projection } from "./projection";

/** What available-to-sell needs of a channel's policy (lib/config/policy.ts ChannelPolicy has it). */
export interface ChannelRule {
  defaultBuffer: number;
  locations: readonly string[];
}

/**
 * Available-to-sell for one channel (docs/architecture.md#projection):
 *   ats(c, sku, l) = max(0, onHand(sku, l) − reserved(sku, l) − buffer(c, sku))
 * A channel's total is the sum over the locations it may sell from, less reservations
 * not yet assigned to a location. Those unassigned units are taken from the locations in the
 * channel's routing priority (as Shopify's default routing would), so the per-location
 * numbers always add up to the total: a location-aware channel selling against them can
 * never sell the same unit twice.
 */

export interface Availability {
  total: number;
  /** One entry per location the channel sells from. */
  locations: Record<string, number>;
}

/** The buffer that applies: a SKU override beats the channel default. */
export const bufferFor = (channel: Pick<ChannelRule, "defaultBuffer">, skuOverride: number | undefined): number =>
  Math.max(0, skuOverride ?? channel.defaultBuffer);

export function availableToSell(projection: Projection, channel: ChannelRule, skuOverride?: number): Availability {
  const buffer = bufferFor(channel, skuOverride);
  const perLocation = channel.locations.map((loc) => {
    const onHand = projection.onHand[loc] ?? 0;
    const reserved = projection.reserved[loc] ?? 0;
    return [loc, Math.max(0, onHand - reserved - buffer)] as const;
  });
  let unassigned = Math.max(0, projection.unassigned);
  const locations = perLocation.map(([loc, n]) => {
    const taken = Math.min(n, unassigned);
    unassigned -= taken;
    return [loc, n - taken] as const;
  });
  return { total: locations.reduce((acc, [, n]) => acc + n, 0), locations: Object.fromEntries(locations) };
}
