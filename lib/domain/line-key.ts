/**
 * The order-line key, `channel:orderId:lineId` (`shopify:6524199000123:16138219000456`): how a
 * reservation, a pick and a refund of one order line find each other across sources. Built by
 * the parsers in lib/sources, read by incidents, own-sale accounting and the drain; this file
 * is the only one that knows its layout.
 */

export interface LineRef {
  lineKey: string;
  channel: string;
  orderId: string;
  lineId: string;
}

/** The key of one order line; `channel` null for a WMS line that names no channel (then it matches no channel's sale). */
export const formatLineKey = (channel: string | null, orderId: string, lineId: string): string => `${channel ? `${channel}:` : ""}${orderId}:${lineId}`;

/** `shopify:6524199000123:16138219000456` → its parts (null for keys of another shape). Order ids may hold colons; line ids do not. */
export function parseLineKey(lineKey: string): LineRef | null {
  const match = /^([a-z]+):(.+):([^:]+)$/.exec(lineKey);
  return match?.[1] && match[2] && match[3] ? { lineKey, channel: match[1], orderId: match[2], lineId: match[3] } : null;
}

/** The channel that sold the line, or undefined for a key without one. */
export const lineKeyChannel = (lineKey: string): string | undefined => parseLineKey(lineKey)?.channel;
