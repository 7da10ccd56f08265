import type { Policy } from "../config/policy";
import type { Channel, StockEvent } from "../domain/events";
import { lineKeyChannel } from "../domain/line-key";
import { channelHeld, type OrderLine } from "../domain/projection";

/**
 * A routing (`relocate`) says where the selling channel committed a line's units, and a move
 * shifts them between its locations: the channel's own per-location numbers changed without a
 * sale. When we have already mirrored the sale (the line is held), that mirror sits at a guessed
 * or old location, so the SKU is re-split (the flush re-reads the real split before the next
 * write, own-sales.ts `resplitBeliefs`). When the routing comes first, there is nothing to move:
 * the order's own-sale adjustment lands at the routed location (no guess). Duplicates count
 * too: a worker may have died before marking.
 */
export function routedSkus(
  outcomes: readonly { event: StockEvent }[],
  channel: Channel,
  policy: Policy,
  lineOf: (sku: string, lineKey: string) => OrderLine | null | undefined,
): string[] {
  if (!policy.channels[channel]?.locationAware) return [];
  const skus = outcomes.flatMap(({ event }) => {
    if (event.kind !== "relocate" || lineKeyChannel(event.lineKey) !== channel) return [];
    const line = lineOf(event.sku, event.lineKey);
    return line && channelHeld(line) > 0 ? [event.sku] : [];
  });
  return [...new Set(skus)];
}

/** The (sku, line) pairs of routing events, to read before deciding. */
export const routedLines = (outcomes: readonly { event: StockEvent }[]): { sku: string; lineKey: string }[] =>
  outcomes.flatMap(({ event }) => (event.kind === "relocate" ? [{ sku: event.sku, lineKey: event.lineKey }] : []));
