import type { ChannelPolicy } from "../config/policy";
import type { Projection } from "./projection";

/**
 * Available-to-sell for one channel (DESIGN §3):
 *   ats(c, sku, l) = max(0, onHand(sku, l) − reserved(sku, l) − buffer(c, sku))
 * A channel's total is the sum over the locations it may sell from, less reservations
 * not yet assigned to a location. Per-location numbers never exceed the total, so a
 * pickup promise cannot outrun unassigned online orders.
 */

export interface Availability {
  total: number;
  /** One entry per location the channel sells from. */
  locations: Record<string, number>;
}

/** The buffer that applies: a SKU override beats the channel default. */
export const bufferFor = (channel: Pick<ChannelPolicy, "defaultBuffer">, skuOverride: number | undefined): number =>
  Math.max(0, skuOverride ?? channel.defaultBuffer);

export function availableToSell(
  projection: Projection,
  channel: Pick<ChannelPolicy, "defaultBuffer" | "locations">,
  skuOverride?: number,
): Availability {
  const buffer = bufferFor(channel, skuOverride);
  const perLocation = channel.locations.map((loc) => {
    const onHand = projection.onHand[loc] ?? 0;
    const reserved = projection.reserved[loc] ?? 0;
    return [loc, Math.max(0, onHand - reserved - buffer)] as const;
  });
  const sum = perLocation.reduce((acc, [, n]) => acc + n, 0);
  const total = Math.max(0, sum - Math.max(0, projection.unassigned));
  return { total, locations: Object.fromEntries(perLocation.map(([loc, n]) => [loc, Math.min(n, total)])) };
}
