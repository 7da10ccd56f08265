import type { Accepted, BrowserOutcome } from "./shoppers";
import { CHANNELS, type SaleChannel } from "./report-schema";
import type { BadgeRead } from "./truth";

/** What one mode's sale observed as it ran: the raw facts the report is computed from. */
export interface Observed {
  sales: Accepted[];
  restocks: { at: number; sku: string; locationId: string; quantity: number }[];
  attempts: Record<SaleChannel, number>;
  refused: Record<SaleChannel, number>;
  failures: string[];
  browser: Record<BrowserOutcome, number>;
  badgeReads: BadgeRead[];
  loadStockMs: number[];
}

const perChannel = (): Record<SaleChannel, number> => Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<SaleChannel, number>;
export const newObservations = (): Observed => ({
  sales: [],
  restocks: [],
  attempts: perChannel(),
  refused: perChannel(),
  failures: [],
  browser: { ordered: 0, refused: 0, saw_sold_out: 0, failed: 0 },
  badgeReads: [],
  loadStockMs: [],
});
