import { decimalAmount } from "../money";
import type { OrderLine, Projection } from "./projection";
import { parseLineKey, type LineRef } from "./line-key";
import { outstanding } from "./projection";

/**
 * Oversell incidents (pure): how many units a SKU is short, which order lines pay for it
 * (the newest first: the last to buy is the one we could not serve), and whether a machine
 * may settle it or a human must.
 */

/** Units promised beyond what is on the shelves, over all locations. */
export function oversoldUnits(projection: Projection): number {
  const reserved = Object.values(projection.reserved).reduce((a, b) => a + b, 0) + projection.unassigned;
  const onHand = Object.values(projection.onHand).reduce((a, b) => a + Math.max(0, b), 0);
  return Math.max(0, reserved - onHand);
}

/** Numeric ids compare as numbers (Shopify ids grow with time), others as text. */
function newerFirst(a: LineRef, b: LineRef): number {
  const numeric = /^\d+$/;
  if (numeric.test(a.orderId) && numeric.test(b.orderId) && a.orderId !== b.orderId) return BigInt(b.orderId) > BigInt(a.orderId) ? 1 : -1;
  if (a.orderId !== b.orderId) return b.orderId.localeCompare(a.orderId);
  return b.lineId.localeCompare(a.lineId, undefined, { numeric: true });
}

export interface AffectedLine extends LineRef {
  units: number;
}

/** The newest lines with outstanding reservations, until `units` are covered; `exclude`: lines another incident already covers. */
export function affectedLines(lines: Readonly<Record<string, OrderLine>>, units: number, exclude: ReadonlySet<string> = new Set()): AffectedLine[] {
  const candidates = Object.entries(lines)
    .filter(([key, line]) => !exclude.has(key) && outstanding(line) > 0)
    .flatMap(([key, line]) => {
      const ref = parseLineKey(key);
      return ref ? [{ ...ref, open: outstanding(line) }] : [];
    })
    .sort(newerFirst);
  const picked: AffectedLine[] = [];
  let left = units;
  for (const c of candidates) {
    if (left <= 0) break;
    const take = Math.min(left, c.open);
    picked.push({ lineKey: c.lineKey, channel: c.channel, orderId: c.orderId, lineId: c.lineId, units: take });
    left -= take;
  }
  return picked;
}

export type RecoveryRoute = { kind: "auto" } | { kind: "escalate"; reason: string };

/** Automatic recovery only where we can refund (Shopify orders) and the order is not worth a human's look. */
export function recoveryRoute(channel: string, orderValueCents: number, escalationCents: number, currency: string): RecoveryRoute {
  if (channel !== "shopify") return { kind: "escalate", reason: `${channel} orders are refunded in that channel's own tools` };
  if (orderValueCents > escalationCents)
    return {
      kind: "escalate",
      reason: `order value ${decimalAmount(orderValueCents, currency)} ${currency} is above the escalation threshold ${decimalAmount(escalationCents, currency)} ${currency}`,
    };
  return { kind: "auto" };
}

/** A deterministic code per incident and order: a retry asks for the same code, never a second one. */
export function apologyCode(incidentId: string, orderId: string): string {
  let h = 2166136261;
  for (const ch of `${incidentId}|${orderId}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `SORRY-${h.toString(36).toUpperCase().padStart(7, "0")}`;
}
