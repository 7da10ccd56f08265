import type { VariantRecord } from "./shop-catalog";

/**
 * Orders the emulator's checkout created, with what happened to each line since: units
 * fulfilled, removed before fulfilment (cancel/refund with restock "cancel" or "no_restock"),
 * and returned. Inventory effects live in InventoryState; this is the paper trail the webhook
 * payloads are built from.
 */
export type RestockType = "cancel" | "return" | "no_restock";

export interface OrderLine {
  id: number;
  variant: VariantRecord;
  quantity: number;
  priceCents: number;
  /** Our location id the units were committed at. */
  locationId: string;
  fulfilled: number;
  /** Unfulfilled units taken off the order (cancel, refund cancel / no_restock). */
  removed: number;
  /** Fulfilled units refunded (return / no_restock after fulfilment). */
  refundedFulfilled: number;
}

export interface RefundLine {
  id: number;
  line: OrderLine;
  quantity: number;
  restockType: RestockType;
  /** Where the units went back, null when not restocked. */
  locationId: string | null;
}

export interface Refund {
  id: number;
  createdAt: number;
  note: string | null;
  lines: RefundLine[];
  transactionId: number;
  /** Money returned (minor units); 0 = a restock-only refund with no refund transaction. */
  amountCents: number;
}

export interface Order {
  id: number;
  number: number;
  name: string;
  email: string;
  token: string;
  cartToken: string;
  checkoutId: number;
  checkoutToken: string;
  confirmationNumber: string;
  customerId: number;
  addressId: number;
  shippingLineId: number;
  paymentTransactionId: number;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  lines: OrderLine[];
  refunds: Refund[];
}

/** The checkout's email when the buyer gave none. */
export const DEFAULT_EMAIL = "shopper@example.com";

export interface OrderCustomer {
  id: number;
  firstName: string;
  lastName: string | null;
  displayName: string;
  email: string;
}

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

/**
 * The buyer as Shopify's customer record shows them, named after the email's local part
 * ("maya.lopez@…" → Maya Lopez) so REST payloads and Admin GraphQL agree on one person.
 */
export function orderCustomer(order: Order): OrderCustomer {
  const words = (order.email.split("@")[0] ?? "").split(/[._+-]+/).filter((w) => /^[a-z]/i.test(w)).map(capitalise);
  const [firstName, ...rest] = order.email === DEFAULT_EMAIL || words.length === 0 ? ["Demo", "Shopper"] : words;
  const lastName = rest.length > 0 ? rest.join(" ") : null;
  const first = firstName ?? "Demo";
  return { id: order.customerId, firstName: first, lastName, displayName: lastName ? `${first} ${lastName}` : first, email: order.email };
}

export const unfulfilled = (line: OrderLine): number => line.quantity - line.fulfilled - line.removed;
/** Units still on the order (what Shopify calls `current_quantity`). */
export const currentQuantity = (line: OrderLine): number => line.quantity - line.removed - line.refundedFulfilled;

/**
 * The newest orders kept: older ones are forgotten (their committed units stay in the inventory
 * levels). Bounds memory and the state file, which is written whole on every mutating request
 * (at this cap about 0.7 MB, some 20 ms a write). The demo's traffic takes well over an hour to
 * reach it; the app only looks orders up within minutes of them (recovery); no load run comes near.
 */
export const ORDER_CAP = 1_000;

export class OrderBook {
  private readonly orders = new Map<number, Order>();
  private nextNumber = 1001;

  takeNumber(): number {
    return this.nextNumber++;
  }

  /** The number the next order gets (saved, so names never repeat after a restart). */
  get upcomingNumber(): number {
    return this.nextNumber;
  }

  /** A restarted shop: its orders, oldest first, and the next order number. */
  restore(orders: readonly Order[], upcomingNumber: number): void {
    for (const order of orders) this.add(order);
    this.nextNumber = upcomingNumber;
  }

  add(order: Order): void {
    this.orders.set(order.id, order);
    // Ids only grow, so the Map's first key is the oldest order.
    for (const oldest of this.orders.keys()) {
      if (this.orders.size <= ORDER_CAP) break;
      this.orders.delete(oldest);
    }
  }

  get(id: number): Order | undefined {
    return this.orders.get(id);
  }

  values(): IterableIterator<Order> {
    return this.orders.values();
  }

  get size(): number {
    return this.orders.size;
  }
}
