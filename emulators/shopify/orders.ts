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

export const unfulfilled = (line: OrderLine): number => line.quantity - line.fulfilled - line.removed;
/** Units still on the order (what Shopify calls `current_quantity`). */
export const currentQuantity = (line: OrderLine): number => line.quantity - line.removed - line.refundedFulfilled;

export class OrderBook {
  private readonly orders = new Map<number, Order>();
  private nextNumber = 1001;

  takeNumber(): number {
    return this.nextNumber++;
  }

  add(order: Order): void {
    this.orders.set(order.id, order);
  }

  get(id: number): Order | undefined {
    return this.orders.get(id);
  }

  get size(): number {
    return this.orders.size;
  }
}
