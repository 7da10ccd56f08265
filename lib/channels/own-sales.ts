import type { Policy } from "../config/policy";
import { channelSchema, type Channel, type StockEvent } from "../domain/events";
import { ANY_LOCATION, targetKey } from "./types";

/**
 * A channel changes its own number when it sells (Shopify lowers `available` at checkout,
 * the marketplace lowers its listing) and when it restocks a cancellation. We mirror that in
 * what we believe it holds, so the next write does not undo or repeat it.
 *
 * The amount comes from the order line's state, not the raw event: what the channel holds
 * back for the line is `reserved − released` (on cancellation: only what was already picked).
 * Its change per event telescopes to the same total in any delivery order — an order webhook
 * that arrives after the warehouse already picked the line still counts, and a cancellation
 * that arrives before its order nets to zero. The channel comes from the line key
 * (`channel:order:line`), so a WMS pick of a Shopify line is accounted to Shopify.
 */
export interface BeliefAdjustment {
  /** The causing event: an adjustment is applied once per event. */
  eventId: string;
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
  // Duplicates carry their first application's delta: the adjustment itself is deduped by event id.
  if (lineDelta === 0 || !("lineKey" in event) || !event.lineKey) return null;
  // Refunded without restock: the channel's own number did not move.
  if (event.kind === "release" && event.restocked === false) return null;
  const channelId = channelSchema.safeParse(event.lineKey.split(":")[0]);
  if (!channelId.success) return null;
  const channel = policy.channels[channelId.data];
  if (!channel) return null;
  const delta = -lineDelta;
  if (!channel.locationAware) return { eventId: event.id, channel: channelId.data, target: targetKey(event.sku, ANY_LOCATION), delta };
  // Where the channel moved its number: the line's location, else the first location in
  // routing priority that could serve the units (Shopify's default order routing).
  const location =
    outcome.lineLocation ??
    (delta < 0 ? channel.locations.find((loc) => (believedAt(channelId.data, targetKey(event.sku, loc)) ?? 0) >= -delta) : undefined) ??
    channel.locations[0];
  return location ? { eventId: event.id, channel: channelId.data, target: targetKey(event.sku, location), delta } : null;
}
