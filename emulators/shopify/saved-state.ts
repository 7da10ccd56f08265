import { z } from "zod";
import type { CartRecord } from "./cart-book";
import { fulfillmentMessage } from "./checkout";
import { codeDiscountSchema } from "./discounts";
import { defaultPayment, GATEWAYS, type Gateway } from "./order-money";
import { gid, IdSequence, SEQUENCE_NAMES, type SequenceName } from "./ids";
import type { Order, OrderLine } from "./orders";
import { replaySchema } from "./replay-schema";
import { savedDeliverySchema, type SavedDelivery } from "./saved-delivery";
import type { ProductRecord, VariantRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";

/**
 * The shop as its state file holds it: what Shopify itself still has after our restart and
 * what the app and the storefront see. Catalog (products created, edited and deleted through
 * the control API, with their ids), inventory levels with their timestamps, orders and their
 * refunds, carts, code discounts, idempotency keys within their window, every id sequence, and
 * the webhooks and WMS forwards not yet acknowledged.
 *
 * Not saved, on purpose: counters, the request log, the inventory change log and webhook ack
 * times (load-run instruments, they restart from zero); the cost bucket (it refills within
 * seconds anyway); the plan, delivery profile and faults (the launcher's settings, given again
 * at start); subscription URLs and secrets (taken from the options, so a saved delivery goes
 * to where the app listens now, and no secret is written to disk).
 *
 * Bounded as in memory: orders (orders.ts ORDER_CAP), carts (carts.ts CART_CAP), idempotency
 * keys (idempotency.ts KEY_CAP and 24 hours, shared/idempotency-store.ts). Discounts and products are created by hand.
 */
const int = z.number().int();

const levelSchema = z.object({ available: int, committed: int, updatedAt: z.number() });

const variantSchema = z.object({
  id: int,
  sku: z.string().min(1),
  title: z.string(),
  priceCents: int.min(0),
  options: z.record(z.string(), z.string()),
  image: z.string().nullable(),
  position: int.min(1),
  inventoryItemId: int,
  index: int.min(0),
  stockKey: z.string().min(1).optional(),
  bundleParent: z.boolean().optional(),
  inventoryPolicy: z.enum(["DENY", "CONTINUE"]).optional(),
  tracked: z.boolean().optional(),
});

const productSchema = z.object({
  id: int,
  handle: z.string().min(1),
  title: z.string(),
  description: z.string(),
  descriptionHtml: z.string().nullable().optional(),
  image: z.string(),
  imageAlt: z.string(),
  imageId: int,
  createdAt: z.number(),
  updatedAt: z.number(),
  variants: z.array(variantSchema).min(1),
});

const orderLineSchema = z.object({
  id: int,
  variantId: int,
  quantity: int,
  priceCents: int,
  locationId: z.string(),
  fulfilled: int,
  removed: int,
  refundedFulfilled: int,
});

const refundSchema = z.object({
  id: int,
  createdAt: z.number(),
  note: z.string().nullable(),
  transactionId: int,
  amountCents: int,
  /** Absent in files from before presentment currencies: the same as amountCents. */
  presentmentCents: int.optional(),
  lines: z.array(z.object({ id: int, lineId: int, quantity: int, restockType: z.enum(["cancel", "return", "no_restock"]), locationId: z.string().nullable() })),
});

const orderSchema = z.object({
  id: int,
  number: int,
  email: z.string(),
  token: z.string(),
  cartToken: z.string(),
  checkoutId: int,
  checkoutToken: z.string(),
  confirmationNumber: z.string(),
  customerId: int,
  addressId: int,
  shippingLineId: int,
  paymentTransactionId: int,
  createdAt: z.number(),
  updatedAt: z.number(),
  cancelledAt: z.number().nullable(),
  /** Absent in files from before order-money.ts: Shopify Payments, captured, in shop currency. */
  payment: z
    .object({
      shopCurrency: z.string(),
      gateway: z.enum(Object.keys(GATEWAYS) as [Gateway, ...Gateway[]]),
      kind: z.enum(["SALE", "AUTHORIZATION"]),
      presentmentCurrency: z.string(),
      rate: z.number().positive(),
      taxRate: z.number().min(0),
      lineDiscountPercent: z.number().min(0),
    })
    .optional(),
  lines: z.array(orderLineSchema).min(1),
  refunds: z.array(refundSchema),
  origin: z.object({ sourceName: z.string(), posLocationId: z.string().nullable(), test: z.boolean(), claimsInventory: z.boolean() }).optional(),
});

const cartSchema = z.object({
  token: z.string(),
  key: z.string(),
  lines: z.array(z.object({ id: z.string(), variantId: int, quantity: int.min(1) })),
  createdAt: z.number(),
  updatedAt: z.number(),
  completedOrderId: int.nullable(),
});

export const savedShopSchema = z.object({
  catalog: z.object({
    products: z.array(productSchema),
    /** Deleted products a kept order or cart still names. */
    retired: z.array(productSchema),
    idCounts: z.object({ products: int.min(0), variants: int.min(0) }),
  }),
  inventory: z.record(z.string(), z.record(z.string(), levelSchema)),
  orders: z.object({ list: z.array(orderSchema), upcomingNumber: int }),
  /** Least recently used first. */
  carts: z.array(cartSchema),
  discounts: z.object({ list: z.array(codeDiscountSchema), lastIds: z.object({ node: int, code: int }).nullable() }),
  /** Oldest first. */
  idempotency: z.array(z.object({ key: z.string(), fingerprint: z.string(), storedAt: z.number(), replay: replaySchema })),
  /** The last id each runtime sequence handed out. */
  ids: z.record(z.enum(SEQUENCE_NAMES), int),
  webhooks: z.array(savedDeliverySchema),
  fulfillment: z.array(savedDeliverySchema),
});
export type SavedShop = z.infer<typeof savedShopSchema>;

// ---------------------------------------------------------------- snapshot

const productOut = (p: ProductRecord): z.infer<typeof productSchema> => ({
  id: p.id,
  handle: p.handle,
  title: p.title,
  description: p.description,
  descriptionHtml: p.descriptionHtml,
  image: p.image,
  imageAlt: p.imageAlt,
  imageId: p.imageId,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  variants: p.variants.map((v) => ({
    id: v.id,
    sku: v.sku,
    title: v.title,
    priceCents: v.priceCents,
    options: v.options,
    image: v.image,
    position: v.position,
    inventoryItemId: v.inventoryItemId,
    index: v.index,
    stockKey: v.stockKey,
    bundleParent: v.bundleParent,
    inventoryPolicy: v.inventoryPolicy,
    tracked: v.tracked,
  })),
});

const orderOut = (o: Order): z.infer<typeof orderSchema> => ({
  id: o.id,
  number: o.number,
  email: o.email,
  token: o.token,
  cartToken: o.cartToken,
  checkoutId: o.checkoutId,
  checkoutToken: o.checkoutToken,
  confirmationNumber: o.confirmationNumber,
  customerId: o.customerId,
  addressId: o.addressId,
  shippingLineId: o.shippingLineId,
  paymentTransactionId: o.paymentTransactionId,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
  cancelledAt: o.cancelledAt,
  ...(o.origin ? { origin: o.origin } : {}),
  payment: o.payment,
  lines: o.lines.map((l) => ({
    id: l.id,
    variantId: l.variant.id,
    quantity: l.quantity,
    priceCents: l.priceCents,
    locationId: l.locationId,
    fulfilled: l.fulfilled,
    removed: l.removed,
    refundedFulfilled: l.refundedFulfilled,
  })),
  refunds: o.refunds.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    note: r.note,
    transactionId: r.transactionId,
    amountCents: r.amountCents,
    presentmentCents: r.presentmentCents,
    lines: r.lines.map((rl) => ({ id: rl.id, lineId: rl.line.id, quantity: rl.quantity, restockType: rl.restockType, locationId: rl.locationId })),
  })),
});

const deliveryOut = ({
  message,
  attempt,
  dueAt,
}: {
  message: { body: unknown; headers?: Record<string, string> };
  attempt: number;
  dueAt: number;
}): SavedDelivery => ({
  attempt,
  dueAt,
  body: message.body,
  ...(message.headers ? { headers: message.headers } : {}),
});

export function snapshotShop(shop: ShopState): SavedShop {
  const orders = [...shop.orders.values()];
  const carts = shop.carts.values();
  const live = new Set(shop.catalog.products);
  const retired = new Set([...orders.flatMap((o) => o.lines), ...carts.flatMap((c) => c.lines)].map((l) => l.variant.product).filter((p) => !live.has(p)));
  return {
    catalog: { products: shop.catalog.products.map(productOut), retired: [...retired].map(productOut), idCounts: shop.catalog.idCounts },
    inventory: shop.inventory.levelsBySku(),
    orders: { list: orders.map(orderOut), upcomingNumber: shop.orders.upcomingNumber },
    carts: carts.map((c) => ({
      token: c.token,
      key: c.key,
      lines: c.lines.map((l) => ({ id: l.id, variantId: l.variant.id, quantity: l.quantity })),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      completedOrderId: c.completedOrderId,
    })),
    discounts: { list: shop.discounts.list(), lastIds: shop.discounts.lastIds() },
    idempotency: shop.idempotency.saved(),
    ids: Object.fromEntries(SEQUENCE_NAMES.map((name) => [name, shop.ids[name].lastIssued])) as Record<SequenceName, number>,
    webhooks: shop.webhooks.pending().map(deliveryOut),
    fulfillment: shop.fulfillment ? shop.fulfillment.sender.pending().map(deliveryOut) : [],
  };
}

// ---------------------------------------------------------------- restore

function productIn(saved: z.infer<typeof productSchema>): ProductRecord {
  const product: ProductRecord = { ...saved, descriptionHtml: saved.descriptionHtml ?? null, gid: gid("Product", saved.id), variants: [] };
  product.variants = saved.variants.map((v) => ({
    ...v,
    gid: gid("ProductVariant", v.id),
    inventoryItemGid: gid("InventoryItem", v.inventoryItemId),
    stockKey: v.stockKey ?? v.sku,
    bundleParent: v.bundleParent ?? false,
    inventoryPolicy: v.inventoryPolicy ?? "DENY",
    tracked: v.tracked ?? true,
    product,
  }));
  return product;
}

/** A line naming a variant the file does not hold is a file that is not whole. */
function variantOf(variants: ReadonlyMap<number, VariantRecord>, id: number, where: string): VariantRecord {
  const variant = variants.get(id);
  if (!variant) throw new Error(`${where} names variant ${id}, which the saved catalog does not hold`);
  return variant;
}

function orderIn(saved: z.infer<typeof orderSchema>, variants: ReadonlyMap<number, VariantRecord>, shopCurrency: string): Order {
  const lines: OrderLine[] = saved.lines.map(({ variantId, ...l }) => ({ ...l, variant: variantOf(variants, variantId, `order ${saved.id}`) }));
  const lineById = new Map(lines.map((l) => [l.id, l]));
  const refunds = saved.refunds.map((r) => ({
    ...r,
    presentmentCents: r.presentmentCents ?? r.amountCents,
    lines: r.lines.map(({ lineId, ...rl }) => {
      const line = lineById.get(lineId);
      if (!line) throw new Error(`refund ${r.id} names line ${lineId}, which order ${saved.id} does not hold`);
      return { ...rl, line };
    }),
  }));
  return { ...saved, name: `#${saved.number}`, payment: saved.payment ?? defaultPayment(shopCurrency), lines, refunds };
}

/**
 * Puts a saved shop into a freshly built one (empty catalog, no orders): everything the file
 * holds replaces what the options would have given. Pending deliveries are resumed by
 * `resumeDeliveries`, once the server listens.
 */
export function restoreShop(shop: ShopState, saved: SavedShop): void {
  for (const p of saved.catalog.products) shop.catalog.adopt(productIn(p));
  shop.catalog.resumeIdCounts(saved.catalog.idCounts);
  const variants = new Map<number, VariantRecord>(
    [...shop.catalog.variants, ...saved.catalog.retired.map(productIn).flatMap((p) => p.variants)].map((v) => [v.id, v]),
  );
  shop.inventory.restoreLevels(saved.inventory, shop.now());
  for (const v of shop.catalog.variants) shop.inventory.addSku(v.stockKey, shop.now());
  shop.orders.restore(
    saved.orders.list.map((o) => orderIn(o, variants, shop.catalog.currency)),
    saved.orders.upcomingNumber,
  );
  const carts: CartRecord[] = saved.carts.map((c) => ({
    ...c,
    lines: c.lines.map(({ variantId, ...l }) => ({ ...l, variant: variantOf(variants, variantId, `cart ${c.token}`) })),
  }));
  shop.carts.restore(carts);
  shop.discounts.restore(saved.discounts.list, saved.discounts.lastIds);
  shop.idempotency.restore(saved.idempotency);
  for (const name of SEQUENCE_NAMES) shop.ids[name] = IdSequence.resumeAt(saved.ids[name], shop.random);
}

/** Hands the deliveries a previous run had not got acknowledged back to the senders (overdue ones leave at once). */
export function resumeDeliveries(shop: ShopState, saved: SavedShop): void {
  shop.webhooks.resume(saved.webhooks);
  const fulfillment = shop.fulfillment;
  if (fulfillment)
    fulfillment.sender.resume(saved.fulfillment.map(({ body, attempt, dueAt }) => ({ message: fulfillmentMessage(fulfillment, body), attempt, dueAt })));
}
