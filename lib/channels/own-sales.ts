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
export type BeliefAdjustment =
  /** Move what we believe the channel holds at `target` (applied once per causing event). */
  | { kind: "adjust"; eventId: string; channel: Channel; target: string; delta: number }
  /**
   * A location-aware channel moved its number somewhere we cannot tell (an online order names
   * no location): forget what we believe it holds for the SKU, so the next flush reads it. A
   * guess from routing rules races our own writes; a wrong guess moved units between locations
   * and left phantom stock at one of them (caught by the flash-sale harness).
   */
  | { kind: "reread"; eventId: string; channel: Channel; sku: string };

export function ownSaleAdjustment(outcome: { event: StockEvent; effect: string; lineDelta: number; lineLocation: string | null }, policy: Policy): BeliefAdjustment | null {
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
  if (!channel.locationAware) return { kind: "adjust", eventId: event.id, channel: channelId.data, target: targetKey(event.sku, ANY_LOCATION), delta };
  if (outcome.lineLocation) return { kind: "adjust", eventId: event.id, channel: channelId.data, target: targetKey(event.sku, outcome.lineLocation), delta };
  return { kind: "reread", eventId: event.id, channel: channelId.data, sku: event.sku };
}
