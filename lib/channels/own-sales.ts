import type { Policy } from "../config/policy";
import { channelSchema, type Channel, type StockEvent } from "../domain/events";
import { lineKeyChannel } from "../domain/line-key";
import { ANY_LOCATION, targetKey } from "../domain/channel-targets";

/**
 * A channel changes its own number when it sells (Shopify lowers `available` at checkout,
 * the marketplace lowers its listing) and when it restocks a cancellation. We mirror that in
 * what we believe it holds, so the next write does not undo or repeat it.
 *
 * The amount comes from the order line's state, not the raw event: what the channel holds
 * back for the line is `reserved − released with restock` (on cancellation: only what was picked
 * or refunded without restock; `channelHeld` in lib/domain/projection.ts).
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
  /**
   * The location was guessed (an online order names none): the total moves in step with the
   * projection, but the split between locations must be re-read before the next write. A guess
   * races our own writes; a wrong one left phantom stock at one location (caught by the
   * flash-sale harness). Re-reading alone is no cure: a fresh read already holds sales the
   * projection has not heard of yet, and writing against it over-reports.
   */
  resplit: boolean;
}

/**
 * Whether an applied event may move a channel's own count: a change of what it holds for a
 * line, or a restock it did by itself (a Shopify return refund puts units back at once).
 */
export const movesChannelCount = (outcome: { event: StockEvent; lineDelta: number }): boolean =>
  outcome.lineDelta !== 0 || outcome.event.kind === "channel_restock";

export function ownSaleAdjustment(
  outcome: { event: StockEvent; effect: string; lineDelta: number; lineLocation: string | null },
  policy: Policy,
  believedAt: (channel: Channel, target: string) => number | undefined,
): BeliefAdjustment | null {
  const { event, lineDelta } = outcome;
  // Duplicates carry their first application's delta: the adjustment itself is deduped by event id.
  if (!movesChannelCount(outcome) || !("lineKey" in event) || !event.lineKey) return null;
  // Refunded without restock: the channel's own number did not move (channelHeld already gives 0).
  if (event.kind === "release" && event.restocked === false) return null;
  const channelId = channelSchema.safeParse(lineKeyChannel(event.lineKey));
  if (!channelId.success) return null;
  const channel = policy.channels[channelId.data];
  if (!channel) return null;
  // A channel restock is Shopify's own +q at the refund's location, whatever the line's state.
  // A sale Shopify may not have committed (`committed: false`) moves nothing: the re-read sees
  // what Shopify did, and a belief kept above the real number can only under-report.
  const restock = event.kind === "channel_restock";
  const uncommitted = event.kind === "reserve" && event.committed === false;
  const delta = restock ? event.quantity : uncommitted ? 0 : -lineDelta;
  const adjust = (location: string, resplit: boolean): BeliefAdjustment => ({
    eventId: event.id,
    channel: channelId.data,
    target: targetKey(event.sku, location),
    delta,
    resplit: resplit || uncommitted,
  });
  if (!channel.locationAware) return adjust(ANY_LOCATION, false);
  if (restock) {
    const at = event.locationId && channel.locations.includes(event.locationId) ? event.locationId : undefined;
    return at ? adjust(at, false) : channel.locations[0] ? adjust(channel.locations[0], true) : null;
  }
  if (outcome.lineLocation) return adjust(outcome.lineLocation, false);
  // Shopify's default routing: the first location in priority order that could serve the units.
  const guess =
    (delta < 0 ? channel.locations.find((loc) => (believedAt(channelId.data, targetKey(event.sku, loc)) ?? 0) >= -delta) : undefined) ?? channel.locations[0];
  return guess ? adjust(guess, true) : null;
}

/**
 * The per-location split after a re-read, keeping our total in step with the projection: each
 * location is believed to hold what it really holds plus every unit sold that we have not heard
 * of yet (believed total − real total). Where those units really went is unknown, so each
 * location carries all of them: a belief above the real number can only under-report.
 */
export function resplitBeliefs(believed: ReadonlyMap<string, number>, actual: ReadonlyMap<string, number>): Map<string, number> {
  let believedTotal = 0;
  let actualTotal = 0;
  for (const target of actual.keys()) {
    believedTotal += believed.get(target) ?? actual.get(target) ?? 0;
    actualTotal += actual.get(target) ?? 0;
  }
  const unheard = Math.max(0, believedTotal - actualTotal);
  return new Map([...actual].map(([target, n]) => [target, n + unheard]));
}
