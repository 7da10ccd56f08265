import { toPresentment, unitAmounts, type OrderPayment, type Side } from "./order-money";
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

/**
 * Where an order came from, when not the online checkout. POS: `location_id` is the store's
 * numeric id and counter lines are fulfilled at creation
 * (https://shopify.dev/docs/api/admin-rest/latest/resources/order, `location_id`). An app's
 * `orderCreate` claims no inventory by default (`inventoryBehaviour: BYPASS`,
 * https://shopify.dev/docs/api/admin-graphql/latest/input-objects/OrderCreateOptionsInput).
 */
export interface OrderOrigin {
  sourceName: string;
  /** Our id of the POS location, or null. */
  posLocationId: string | null;
  test: boolean;
  /** false: the order took nothing off available, so cancels and fulfilments move nothing either. */
  claimsInventory: boolean;
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
  /** Money returned (shop currency, minor units); 0 = a restock-only refund with no refund transaction. */
  amountCents: number;
  /** The same money in the order's presentment currency (what the buyer got back). */
  presentmentCents: number;
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
  /** Gateway, capture, presentment currency, discount and tax (order-money.ts). */
  payment: OrderPayment;
  lines: OrderLine[];
  refunds: Refund[];
  /** Absent for the online checkout. */
  origin?: OrderOrigin;
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
  const words = (order.email.split("@")[0] ?? "")
    .split(/[._+-]+/)
    .filter((w) => /^[a-z]/i.test(w))
    .map(capitalise);
  const [firstName, ...rest] = order.email === DEFAULT_EMAIL || words.length === 0 ? ["Demo", "Shopper"] : words;
  const lastName = rest.length > 0 ? rest.join(" ") : null;
  const first = firstName ?? "Demo";
  return { id: order.customerId, firstName: first, lastName, displayName: lastName ? `${first} ${lastName}` : first, email: order.email };
}

/** A fresh order line at its price, nothing fulfilled or removed yet (or all of it handed over, for a counter sale). */
export const newOrderLine = (id: number, variant: VariantRecord, quantity: number, locationId: string, fulfilled = 0): OrderLine => ({
  id,
  variant,
  quantity,
  priceCents: variant.priceCents,
  locationId,
  fulfilled,
  removed: 0,
  refundedFulfilled: 0,
});

export const unfulfilled = (line: OrderLine): number => line.quantity - line.fulfilled - line.removed;
/** Units still on the order (what Shopify calls `current_quantity`). */
export const currentQuantity = (line: OrderLine): number => line.quantity - line.removed - line.refundedFulfilled;

/** The one flat "Standard" shipping line every online checkout pays (shop currency, minor units). */
export const SHIPPING_CENTS = 695;

/** One unit of a line as paid, on one side (order-money.ts). */
export const lineUnit = (order: Order, line: OrderLine, side: Side = "shop") => unitAmounts(order.payment, line.priceCents, side);
export const shippingCents = (order: Order, side: Side = "shop"): number => (side === "shop" ? SHIPPING_CENTS : toPresentment(order.payment, SHIPPING_CENTS));

const sumLines = (order: Order, side: Side, units: (l: OrderLine) => number, part: "price" | "discount" | "tax" | "paid"): number =>
  order.lines.reduce((n, l) => n + lineUnit(order, l, side)[part] * units(l), 0);

/** The lines as ordered, before discounts, taxes, cancels or refunds. */
export const orderSubtotalCents = (order: Order, side: Side = "shop"): number => sumLines(order, side, (l) => l.quantity, "price");
export const orderDiscountCents = (order: Order, side: Side = "shop"): number => sumLines(order, side, (l) => l.quantity, "discount");
export const orderTaxCents = (order: Order, side: Side = "shop"): number => sumLines(order, side, (l) => l.quantity, "tax");
/** What the buyer was charged: discounted lines, their tax, and the flat shipping line. */
export const orderTotalCents = (order: Order, side: Side = "shop"): number => sumLines(order, side, (l) => l.quantity, "paid") + shippingCents(order, side);
/** The lines still on the order (`current_subtotal_price`). */
export const currentSubtotalCents = (order: Order, side: Side = "shop"): number => sumLines(order, side, currentQuantity, "price");
/** Shipping still charged: a cancelled order drops its shipping line. */
export const currentShippingCents = (order: Order, side: Side = "shop"): number => (order.cancelledAt === null ? shippingCents(order, side) : 0);
/** What the order still charges: its current lines (discounted, taxed) plus current shipping. */
export const currentTotalCents = (order: Order, side: Side = "shop"): number =>
  sumLines(order, side, currentQuantity, "paid") + currentShippingCents(order, side);
/** Money captured: the whole total for a SALE, nothing while the payment is only authorized. */
export const capturedCents = (order: Order, side: Side = "shop"): number => (order.payment.kind === "SALE" ? orderTotalCents(order, side) : 0);
/** Money returned so far across every refund. */
export const refundedCents = (order: Order, side: Side = "shop"): number =>
  order.refunds.reduce((n, r) => n + (side === "shop" ? r.amountCents : r.presentmentCents), 0);
/** What the buyer has paid net of refunds (also what can still be refunded). */
export const netPaymentCents = (order: Order, side: Side = "shop"): number => capturedCents(order, side) - refundedCents(order, side);

export type FinancialStatus = "authorized" | "paid" | "partially_refunded" | "refunded";

/**
 * Decided by money, as Shopify documents `OrderDisplayFinancialStatus` (and REST's
 * `financial_status`): "Partially refunded. The amount refunded to a customer is less than the
 * full amount paid"; "Refunded. The full amount paid for an order was refunded"
 * (https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderDisplayFinancialStatus).
 * So a cancel that refunds nothing, or a restock-only refund, leaves the order paid. A payment
 * not yet captured is AUTHORIZED ("The payment has been authorized", same page).
 */
export function financialStatus(order: Order): FinancialStatus {
  if (order.payment.kind === "AUTHORIZATION") return "authorized";
  const refunded = refundedCents(order);
  if (refunded === 0) return "paid";
  return refunded >= orderTotalCents(order) ? "refunded" : "partially_refunded";
}

export type FulfillmentStatus = "unfulfilled" | "partial" | "fulfilled";

/** Nothing shipped yet, some lines still open, or every line done. */
export function fulfillmentStatus(order: Order): FulfillmentStatus {
  const fulfilled = order.lines.reduce((n, l) => n + l.fulfilled, 0);
  if (fulfilled === 0) return "unfulfilled";
  return order.lines.every((l) => unfulfilled(l) === 0) ? "fulfilled" : "partial";
}

/** One line's: the app's refund parser reads "fulfilled" to tell shipped units from unshipped. */
export function lineFulfillmentStatus(line: OrderLine): FulfillmentStatus {
  if (line.fulfilled === 0) return "unfulfilled";
  return line.fulfilled >= line.quantity - line.removed ? "fulfilled" : "partial";
}

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
