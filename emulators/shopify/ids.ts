/**
 * Shopify-looking ids. Catalog ids are fixed per catalog position so two runs of the same
 * catalog agree (tests, fixtures, the storefront's cached shells); runtime ids (orders, line
 * items, refunds) grow from a seeded start, like Shopify's, so repeat runs are repeatable.
 */
export const gid = (type: string, id: number | string): string => `gid://shopify/${type}/${id}`;

/** The numeric tail of `gid://shopify/<type>/<n>` (query string ignored), or null. */
export function parseGid(value: string, type: string): number | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d{1,16})(\?.*)?$/.exec(value);
  if (!match || match[1] !== type) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) ? id : null;
}

/** Base ids: same digit counts as real shops (products 13, variants and inventory items 14). */
export const ID_BASE = {
  product: 9_021_188_100_000,
  variant: 47_731_880_100_000,
  inventoryItem: 49_833_214_300_000,
  productImage: 41_026_556_100_000,
  productOption: 11_806_344_100_000,
  collection: 482_113_650_000,
  shop: 73_182_855_213,
} as const;

/** The runtime id sequences a shop keeps (and its state file saves). */
export const SEQUENCE_NAMES = [
  "order",
  "lineItem",
  "refund",
  "refundLine",
  "transaction",
  "customer",
  "address",
  "checkout",
  "shippingLine",
  "adjustmentGroup",
] as const;
export type SequenceName = (typeof SEQUENCE_NAMES)[number];

/** An increasing sequence with random gaps (Shopify ids are shared across shops, so they skip). */
export class IdSequence {
  private last: number;

  constructor(
    start: number,
    private readonly random: () => number,
    private readonly maxGap = 4_096,
    /** Set when a restarted shop goes on from its saved sequence (no random start drawn). */
    resumeAfter?: number,
  ) {
    this.last = resumeAfter ?? start + Math.floor(random() * maxGap);
  }

  next(): number {
    this.last += 1 + Math.floor(this.random() * this.maxGap);
    return this.last;
  }

  /** The last id handed out (or the starting point): saved, so a restarted shop never repeats an id. */
  get lastIssued(): number {
    return this.last;
  }

  /** A sequence that goes on after `last` (a restarted shop); draws nothing from `random` to start. */
  static resumeAt(last: number, random: () => number): IdSequence {
    return new IdSequence(last, random, undefined, last);
  }
}

/** RFC 4122 v4 layout from the emulator's (possibly seeded) RNG. */
export function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((Math.floor(random() * 4) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** A token-like hex string (order tokens, checkout tokens). */
export const hexFrom = (random: () => number, length: number): string => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join("");
