import { z } from "zod";
import { moveFulfillmentOrder } from "./routing";
import { log } from "../../lib/log";
import { HttpError, sendJson, type Handler, type Routes } from "../shared/http";
import { checkout, checkoutBodySchema } from "./checkout";
import { discountView } from "./discount-view";
import { editOrder, orderEditBodySchema } from "./order-edits";
import { cancelBodySchema, cancelOrder, fulfillOrder, refundBodySchema, refundOrder } from "./order-lifecycle";
import { apiOrder, apiOrderBodySchema, posSale, posSaleBodySchema } from "./order-sources";
import { productPayload } from "./product-payload";
import type { ShopState } from "./shop-state";

/**
 * `/_emulator/*`: drive and inspect the emulated shop (tests, demo, load runs). No auth, so
 * loopback callers only.
 */
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

const inventoryBodySchema = z.object({
  sku: z.string().min(1),
  locationId: z.string().min(1),
  available: z.number().int().min(-2_000_000_000).max(2_000_000_000),
});
const planBodySchema = z.object({ restoreRate: z.number().positive().max(100_000), bucketSize: z.number().int().positive().max(1_000_000) });
const deliveryBodySchema = z
  .object({
    lagMs: z.object({ min: z.number().int().min(0), max: z.number().int().min(0) }).refine((l) => l.max >= l.min, "max must be ≥ min"),
    duplicateRate: z.number().min(0).max(1),
    maxAttempts: z.number().int().min(1).max(50),
  })
  .partial();
const faultsBodySchema = z
  .object({
    errorRate: z.number().min(0).max(1),
    latencyMs: z.number().int().min(0).max(60_000),
    stallRate: z.number().min(0).max(1),
    stallMs: z.number().int().min(0).max(120_000),
    adjustFailures: z.number().int().min(0).max(1_000),
    adjustFailureCode: z.enum(["ADJUST_QUANTITIES_FAILED", "SERVICE_UNAVAILABLE"]),
  })
  .partial();
/** Any HTML the merchant writes, served as written; 512 KB keeps one product bounded. */
const descriptionHtmlSchema = z.string().max(512_000);
/** "Up to 2,048 variants" per product (https://shopify.dev/changelog/the-product-variant-limit-is-now-2048-for-all-merchants). */
export const MAX_VARIANTS_PER_PRODUCT = 2_048;
const newProductBodySchema = z.object({
  handle: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/),
  title: z.string().min(1).max(255),
  description: z.string().max(10_000).default(""),
  descriptionHtml: descriptionHtmlSchema.optional(),
  variants: z
    .array(
      z.object({
        sku: z.string().min(1).max(64),
        title: z.string().min(1),
        priceCents: z.number().int().min(0),
        options: z.record(z.string(), z.string()),
        inventoryPolicy: z.enum(["DENY", "CONTINUE"]).optional(),
        tracked: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(MAX_VARIANTS_PER_PRODUCT),
  /** Shopify does not enforce unique SKUs: let this product's variants reuse SKUs other items hold. */
  duplicateSkus: z.boolean().default(false),
});
const bundleBodySchema = z.object({ sku: z.string().min(1), bundleParent: z.boolean() });
const activeBodySchema = z.object({ active: z.boolean() });
const protectedDataBodySchema = z.object({ granted: z.boolean() });
const productBodySchema = z
  .object({
    title: z.string().min(1).max(255),
    description: z.string().max(10_000),
    descriptionHtml: descriptionHtmlSchema,
    priceCents: z.number().int().min(0),
  })
  .partial();

export function loopbackOnly(handler: Handler): Handler {
  return (ctx) => {
    const address = ctx.req.socket.remoteAddress ?? "";
    if (!LOOPBACK.has(address)) throw new HttpError(403, "the control API answers loopback callers only");
    return handler(ctx);
  };
}

export function controlRoutes(shop: ShopState): Routes {
  const routes: Routes = {
    "POST /_emulator/checkout": async (ctx) => {
      const outcome = checkout(shop, await ctx.json(checkoutBodySchema));
      if (outcome.ok) return outcome.result;
      sendJson(ctx.res, 409, { error: "insufficient_stock", lines: outcome.shortages });
      return undefined;
    },
    "GET /_emulator/orders/:id": (ctx) => {
      const order = shop.orders.get(Number(ctx.params.id));
      if (!order) throw new HttpError(404, `no order ${ctx.params.id}`);
      return {
        orderId: order.id,
        name: order.name,
        cancelledAt: order.cancelledAt === null ? null : new Date(order.cancelledAt).toISOString(),
        lines: order.lines.map((l) => ({
          lineItemId: l.id,
          sku: l.variant.sku,
          quantity: l.quantity,
          locationId: l.locationId,
          fulfilled: l.fulfilled,
          removed: l.removed,
          refundedFulfilled: l.refundedFulfilled,
        })),
        refunds: order.refunds.map((r) => r.id),
      };
    },
    "POST /_emulator/orders/:id/cancel": async (ctx) => cancelOrder(shop, ctx.params.id ?? "", await ctx.json(cancelBodySchema)),
    /** A POS counter sale at one of our locations (see order-sources.ts). */
    "POST /_emulator/pos-sales": async (ctx) => posSale(shop, await ctx.json(posSaleBodySchema)),
    /** An app's orderCreate (inventory bypassed unless asked otherwise). */
    "POST /_emulator/api-orders": async (ctx) => apiOrder(shop, await ctx.json(apiOrderBodySchema)),
    "POST /_emulator/orders/:id/refund": async (ctx) => refundOrder(shop, ctx.params.id ?? "", await ctx.json(refundBodySchema)),
    "POST /_emulator/orders/:id/edit": async (ctx) => {
      const order = shop.orders.get(Number(ctx.params.id));
      if (!order) throw new HttpError(404, `no order ${ctx.params.id}`);
      return editOrder(shop, order, await ctx.json(orderEditBodySchema));
    },
    "POST /_emulator/orders/:id/fulfill": (ctx) => fulfillOrder(shop, ctx.params.id ?? ""),
    /** A new product, announced with `products/create`. */
    "POST /_emulator/products": async (ctx) => {
      const body = await ctx.json(newProductBodySchema);
      if (shop.catalog.productByHandle(body.handle)) throw new HttpError(409, `product ${body.handle} exists`);
      const taken = body.variants.filter((v) => shop.catalog.variantBySku(v.sku));
      if (taken.length && !body.duplicateSkus) throw new HttpError(409, `sku ${taken.map((v) => v.sku).join(", ")} exists`);
      const product = shop.catalog.addProduct(
        { ...body, image: "/products/classic-tee.svg", imageAlt: body.title, color: "#000000" },
        shop.now(),
        body.duplicateSkus,
      );
      for (const v of product.variants) shop.inventory.addSku(v.stockKey, shop.now());
      shop.webhooks.send("products/create", productPayload(shop, product), product.createdAt);
      return { productId: product.id, handle: product.handle };
    },
    /** Removes a product, announced with `products/delete` (its body carries only the id). */
    "POST /_emulator/products/:handle/delete": (ctx) => {
      const product = shop.catalog.removeProduct(ctx.params.handle ?? "");
      if (!product) throw new HttpError(404, `no product ${ctx.params.handle}`);
      shop.webhooks.send("products/delete", { id: product.id }, shop.now());
      return { productId: product.id, handle: product.handle };
    },
    "POST /_emulator/products/:handle": async (ctx) => {
      const patch = await ctx.json(productBodySchema);
      const product = shop.catalog.productByHandle(ctx.params.handle ?? "");
      if (!product) throw new HttpError(404, `no product ${ctx.params.handle}`);
      if (patch.title !== undefined) product.title = patch.title;
      // A new plain description without HTML replaces the old HTML too (one text in the admin).
      if (patch.description !== undefined) product.description = patch.description;
      if (patch.descriptionHtml !== undefined || patch.description !== undefined) product.descriptionHtml = patch.descriptionHtml ?? null;
      if (patch.priceCents !== undefined) for (const v of product.variants) v.priceCents = patch.priceCents;
      product.updatedAt = Math.max(shop.now(), product.updatedAt + 1000);
      shop.stats.counters.productUpdates++;
      const payload = productPayload(shop, product);
      shop.webhooks.send("products/update", payload, product.updatedAt);
      return { productId: product.id, handle: product.handle, title: product.title, updatedAt: new Date(product.updatedAt).toISOString() };
    },
    /** Makes every item with this SKU a tracked bundle parent (or a plain item again): API adjustments are refused. */
    "POST /_emulator/inventory-items/bundle": async (ctx) => {
      const body = await ctx.json(bundleBodySchema);
      const items = shop.catalog.variantsBySku(body.sku);
      if (!items.length) throw new HttpError(404, `unknown sku ${body.sku}`);
      for (const v of items) v.bundleParent = body.bundleParent;
      return { sku: body.sku, items: items.map((v) => v.inventoryItemGid), bundleParent: body.bundleParent };
    },
    /** Deactivates (or re-activates) a location: its levels stay, adjustments there answer INVALID_LOCATION. Not kept across restarts. */
    "POST /_emulator/locations/:id/active": async (ctx) => {
      const body = await ctx.json(activeBodySchema);
      const location = shop.catalog.locationById(ctx.params.id ?? "");
      if (!location) throw new HttpError(404, `unknown location ${ctx.params.id}`);
      location.active = body.active;
      return { locationId: location.id, gid: location.gid, active: location.active };
    },
    /** Levels of every item with this SKU, duplicates included (`GET /_emulator/inventory` shows the first item's). */
    "GET /_emulator/inventory-items": (ctx) => {
      const sku = ctx.query.get("sku") ?? "";
      const items = shop.catalog.variantsBySku(sku);
      if (!items.length) throw new HttpError(404, `unknown sku ${sku}`);
      return {
        items: items.map((v) => ({
          inventoryItemId: v.inventoryItemGid,
          product: v.product.handle,
          levels: Object.fromEntries(shop.catalog.locations.map((l) => [l.id, shop.inventory.view(v.stockKey, l.id)])),
        })),
      };
    },
    "POST /_emulator/inventory": async (ctx) => {
      const body = await ctx.json(inventoryBodySchema);
      if (!shop.catalog.variantBySku(body.sku)) throw new HttpError(404, `unknown sku ${body.sku}`);
      if (!shop.catalog.locationById(body.locationId)) throw new HttpError(404, `unknown location ${body.locationId}`);
      shop.inventory.setAvailable(body.sku, body.locationId, body.available, shop.now());
      return { [body.sku]: { [body.locationId]: shop.inventory.view(body.sku, body.locationId) } };
    },
    /** The merchant moves a fulfillment order in the admin (what `fulfillmentOrderMove` does; routing.ts). */
    "POST /_emulator/fulfillment-orders/move": async (ctx) => {
      const body = await ctx.json(z.object({ fulfillmentOrderId: z.string().min(1), locationId: z.string().min(1) }));
      const result = moveFulfillmentOrder(shop, body.fulfillmentOrderId, body.locationId);
      if (!result.ok) throw new HttpError(422, result.message);
      return result;
    },
    "GET /_emulator/inventory": (ctx) => {
      const asked = ctx.query.getAll("sku");
      const unknown = asked.filter((sku) => !shop.catalog.variantBySku(sku));
      if (unknown.length) throw new HttpError(404, `unknown sku ${unknown.join(", ")}`);
      return shop.inventory.snapshot(asked.length ? asked : shop.catalog.skus());
    },
    /** Every change of `available` since `?since=` (epoch ms), with its cause: what a load run replays. */
    "GET /_emulator/inventory-log": (ctx) => {
      const since = z.coerce
        .number()
        .int()
        .min(0)
        .catch(0)
        .parse(ctx.query.get("since") ?? 0);
      return { changes: shop.inventory.changes(since) };
    },
    "GET /_emulator/discounts": (ctx) => {
      const code = ctx.query.get("code");
      const discounts = code === null ? shop.discounts.list() : [shop.discounts.findByCode(code)].filter((d) => d !== undefined);
      return { discounts: discounts.map((d) => discountView(shop, d)) };
    },
    "GET /_emulator/requests": (ctx) => {
      const limit = z.coerce
        .number()
        .int()
        .min(1)
        .max(5_000)
        .catch(100)
        .parse(ctx.query.get("limit") ?? 100);
      return { requests: shop.stats.recent(limit) };
    },
    "GET /_emulator/webhook-acks": () => ({ ackMs: shop.webhooks.sender.ackTimes() }),
    "GET /_emulator/stats": () => ({
      ...shop.stats.counters,
      bucket: shop.bucket.status(),
      peakBucketUsage: Math.ceil(shop.bucket.peakUsed),
      orders: shop.orders.size,
      webhooks: shop.stats.webhookStats(shop.webhooks.sender.stats),
      delivery: shop.webhooks.sender.profile,
      faults: shop.faults,
      fulfillment: shop.fulfillment ? shop.fulfillment.sender.stats : null,
    }),
    "POST /_emulator/plan": async (ctx) => {
      const plan = await ctx.json(planBodySchema);
      shop.bucket.configure(plan);
      log.info("shopify_emulator.plan", { restoreRate: plan.restoreRate, bucketSize: plan.bucketSize });
      return { bucket: shop.bucket.status() };
    },
    "POST /_emulator/delivery": async (ctx) => {
      const patch = await ctx.json(deliveryBodySchema);
      const sender = shop.webhooks.sender;
      sender.profile = { ...sender.profile, ...patch };
      log.info("shopify_emulator.delivery", {
        lagMin: sender.profile.lagMs.min,
        lagMax: sender.profile.lagMs.max,
        duplicateRate: sender.profile.duplicateRate,
      });
      return { delivery: sender.profile };
    },
    "POST /_emulator/faults": async (ctx) => {
      Object.assign(shop.faults, await ctx.json(faultsBodySchema));
      log.info("shopify_emulator.faults", { errorRate: shop.faults.errorRate, latencyMs: shop.faults.latencyMs });
      return { faults: shop.faults };
    },
    /** Grant or withdraw the app's Level 2 protected customer data access (protected-data.ts). */
    "POST /_emulator/protected-customer-data": async (ctx) => {
      shop.protectedCustomerData = (await ctx.json(protectedDataBodySchema)).granted;
      log.info("shopify_emulator.protected_customer_data", { granted: shop.protectedCustomerData });
      return { granted: shop.protectedCustomerData };
    },
    "POST /_emulator/reset-stats": () => {
      shop.stats.reset(shop.webhooks.sender.stats);
      shop.bucket.resetPeak();
      return { ok: true };
    },
  };
  return Object.fromEntries(Object.entries(routes).map(([key, handler]) => [key, loopbackOnly(handler)]));
}
