import type { Policy } from "../config/policy";
import type { Channel, StockEvent } from "../domain/events";
import { ANY_LOCATION, targetKey } from "./types";

/**
 * A channel changes its own number when it sells (Shopify lowers `available` at checkout,
 * the marketplace lowers its listing) and when it restocks a cancellation. We mirror that in
 * what we believe it holds, so the next write does not undo or repeat it.
 *
 * The amount is the change of the order line's outstanding reservation, not the raw event
 * quantity: a cancellation that arrived before its order nets to zero either way, and any
 * mismatch errs on the side of a channel holding less than we think (undersell, never oversell).
 */
export interface BeliefAdjustment {
  channel: Channel;
  target: string;
  delta: number;
}

export function ownSaleAdjustment(
  outcome: { event: StockEvent; effect: string; lineDelta: number; lineLocation: string | null },
  policy: Policy,
  believedAt: (channel: Channel, target: string) => number | undefined,
): BeliefAdjustment | null {
  const { event, lineDelta } = outcome;
  if (outcome.effect === "duplicate" || lineDelta === 0 || !("channel" in event)) return null;
  const channel = policy.channels[event.channel];
  if (!channel) return null;
  const delta = -lineDelta;
  if (!channel.locationAware) return { channel: event.channel, target: targetKey(event.sku, ANY_LOCATION), delta };
  // Where the channel moved its number: the line's location, else the first location in
  // routing priority that could serve the units (Shopify's default order routing).
  const location =
    outcome.lineLocation ??
    (delta < 0 ? channel.locations.find((loc) => (believedAt(event.channel, targetKey(event.sku, loc)) ?? 0) >= -delta) : undefined) ??
    channel.locations[0];
  return location ? { channel: event.channel, target: targetKey(event.sku, location), delta } : null;
}
