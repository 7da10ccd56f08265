import { hexFrom } from "./ids";
import type { VariantRecord } from "./shop-catalog";

/**
 * The shop's Storefront carts as records (carts.ts applies Shopify's cart rules to them and
 * renders them). The book needs only the shop's clock and random source, so the shop's state can
 * hold it without importing the cart resolvers.
 */
export interface CartLineRecord {
  id: string;
  variant: VariantRecord;
  quantity: number;
}

export interface CartRecord {
  token: string;
  key: string;
  lines: CartLineRecord[];
  createdAt: number;
  updatedAt: number;
  completedOrderId: number | null;
}

/**
 * Carts kept, least recently used forgotten first (a forgotten cart reads as missing, as an
 * expired one does on Shopify). Bounds memory and the state file; far above what the demo or a
 * load run keeps open at once.
 */
export const CART_CAP = 1_000;

export class CartBook {
  /** Least recently used first. */
  private readonly carts = new Map<string, CartRecord>();

  constructor(private readonly shop: () => { random: () => number; now: () => number }) {}

  create(): CartRecord {
    const { random, now } = this.shop();
    const cart: CartRecord = {
      token: `hWN${hexFrom(random, 24)}`,
      key: hexFrom(random, 32),
      lines: [],
      createdAt: now(),
      updatedAt: now(),
      completedOrderId: null,
    };
    this.keep(cart);
    return cart;
  }

  /** By `gid://shopify/Cart/<token>?key=<key>` (the key must match, as on Shopify). */
  byGid(id: string): CartRecord | undefined {
    const match = /^gid:\/\/shopify\/Cart\/([A-Za-z0-9]+)\?key=([a-f0-9]+)$/.exec(id);
    return match?.[1] ? this.byToken(match[1], match[2] ?? null) : undefined;
  }

  byToken(token: string, key: string | null): CartRecord | undefined {
    const cart = this.carts.get(token);
    if (!cart || cart.key !== key) return undefined;
    this.keep(cart);
    return cart;
  }

  /** Every cart, least recently used first (the state file keeps this order). */
  values(): CartRecord[] {
    return [...this.carts.values()];
  }

  /** A restarted shop's carts, least recently used first. */
  restore(carts: readonly CartRecord[]): void {
    for (const cart of carts) this.keep(cart);
  }

  private keep(cart: CartRecord): void {
    this.carts.delete(cart.token);
    this.carts.set(cart.token, cart);
    for (const oldest of this.carts.keys()) {
      if (this.carts.size <= CART_CAP) break;
      this.carts.delete(oldest);
    }
  }
}
