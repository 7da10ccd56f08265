import { performance } from "node:perf_hooks";
import type { GraphQLSchema } from "graphql";
import { errorMessage, log } from "../../lib/log";
import { sendJson, type RouteContext } from "../shared/http";
import { paginate } from "./connection";
import { injectFaults } from "./faults";
import { MISSING_QUERY_BODY, prepare, readGraphqlRequest, run } from "./graphql-pipeline";
import { searchFilter } from "./search-query";
import { sellable, type ProductRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";
import { newRequestRecord } from "./stats";
import { ALL_COLLECTION, storefrontCollection, storefrontProduct } from "./storefront-objects";
import { gid, ID_BASE } from "./ids";
import type { CartRecord } from "./cart-book";
import { addLines, removeLines, storefrontCart, updateLines } from "./carts";

/**
 * `POST /api/2026-10/graphql.json`, the Storefront API subset the headless storefront uses:
 * products, product(handle|id), collections / collection (one "all" collection), shop.
 * Validated against the Storefront schema shipped with @shopify/hydrogen-react. The
 * Storefront API has no cost throttling, so no `extensions.cost`.
 */
type Args = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export const STOREFRONT_UNAUTHORIZED_BODY = { errors: [{ message: "", extensions: { code: "UNAUTHORIZED" } }] };

export function storefrontRootValue(shop: ShopState): Record<string, (args: Args) => unknown> {
  const { catalog } = shop;
  const productFilter = (query: string | undefined) =>
    searchFilter<ProductRecord>(
      query,
      {
        handle: (p) => [p.handle],
        title: (p) => [p.title],
        sku: (p) => p.variants.map((v) => v.sku),
        available_for_sale: (p) => [String(p.variants.some((v) => sellable(v, shop.inventory.totalAvailable(v.sku))))],
        product_type: () => [""],
        vendor: () => [shop.shopName],
      },
      (p) => [p.title, p.handle, p.description],
    );
  const productBy = (args: Args) => {
    const handle = str(args.handle);
    const id = str(args.id);
    const product = handle !== undefined ? catalog.productByHandle(handle) : id !== undefined ? catalog.productByGid(id) : undefined;
    return product ? storefrontProduct(shop, product) : null;
  };
  return {
    shop: () => ({
      __typename: "Shop",
      id: gid("Shop", ID_BASE.shop),
      name: shop.shopName,
      description: null,
      moneyFormat: "${{amount}}",
      primaryDomain: { __typename: "Domain", host: shop.shopDomain, url: `https://${shop.shopDomain}`, sslEnabled: true },
      paymentSettings: {
        __typename: "PaymentSettings",
        currencyCode: catalog.currency,
        countryCode: "US",
        acceptedCardBrands: ["VISA", "MASTERCARD"],
        enabledPresentmentCurrencies: [catalog.currency],
        supportedDigitalWallets: [],
      },
    }),
    products: (args) =>
      paginate(
        catalog.products.filter(productFilter(str(args.query))),
        args,
        (p) => p.id,
        (p) => storefrontProduct(shop, p),
      ),
    product: productBy,
    collections: (args) =>
      paginate(
        [ALL_COLLECTION],
        args,
        (c) => c.id,
        () => storefrontCollection(shop),
      ),
    collection: (args) =>
      str(args.handle) === ALL_COLLECTION.handle || str(args.id) === gid("Collection", ALL_COLLECTION.id) ? storefrontCollection(shop) : null,
    cart: (args) => {
      const cart = shop.carts.byGid(str(args.id) ?? "");
      // A cart that went through checkout is gone, as on Shopify.
      return cart && cart.completedOrderId === null ? storefrontCart(shop, cart, shop.publicUrl) : null;
    },
    cartCreate: (args) => {
      const input = (args.input ?? {}) as Args;
      const cart = shop.carts.create();
      return cartPayload(shop, cart, addLines(shop, cart, input.lines, ["input", "lines"]));
    },
    cartLinesAdd: (args) => withCart(shop, args, (cart) => addLines(shop, cart, args.lines, ["lines"])),
    cartLinesUpdate: (args) => withCart(shop, args, (cart) => updateLines(shop, cart, args.lines)),
    cartLinesRemove: (args) => withCart(shop, args, (cart) => removeLines(shop, cart, args.lineIds)),
    node: (args) => {
      const id = str(args.id) ?? "";
      const product = catalog.productByGid(id);
      if (product) return storefrontProduct(shop, product);
      return id === gid("Collection", ALL_COLLECTION.id) ? storefrontCollection(shop) : null;
    },
  };
}

type CartOutcome = { userErrors: unknown[]; warnings: unknown[] };

const cartPayload = (shop: ShopState, cart: CartRecord, outcome: CartOutcome) => ({ cart: storefrontCart(shop, cart, shop.publicUrl), ...outcome });

function withCart(shop: ShopState, args: Args, change: (cart: CartRecord) => CartOutcome) {
  const cart = shop.carts.byGid(str(args.cartId) ?? "");
  if (!cart || cart.completedOrderId !== null)
    return {
      cart: null,
      warnings: [],
      userErrors: [{ __typename: "CartUserError", field: ["cartId"], message: "The specified cart does not exist.", code: "INVALID" }],
    };
  return cartPayload(shop, cart, change(cart));
}

export function storefrontHandler(shop: ShopState, schema: GraphQLSchema, rootValue: Record<string, unknown>) {
  return async (ctx: RouteContext): Promise<void> => {
    const started = performance.now();
    const record = newRequestRecord("storefront");
    /** Only a mutation that ran (a cart change) can have changed what the state file holds. */
    let mutationRan = false;
    const reply = (status: number, body: unknown) => {
      record.status = status;
      const write = () => sendJson(ctx.res, status, body);
      if (mutationRan) write();
      else shop.saves.unsaved(write);
    };
    try {
      if (await injectFaults(shop.faults, shop.random, ctx.res)) {
        shop.stats.counters.faultsInjected++;
        record.status = 503;
        return;
      }
      const token = ctx.req.headers["x-shopify-storefront-access-token"] ?? ctx.req.headers["shopify-storefront-private-token"];
      if (token !== shop.storefrontAccessToken) {
        shop.stats.counters.unauthorized++;
        return reply(401, STOREFRONT_UNAUTHORIZED_BODY);
      }
      const buyerIp = ctx.req.headers["shopify-storefront-buyer-ip"];
      record.buyerIp = typeof buyerIp === "string" ? buyerIp.slice(0, 64) : null;
      const request = await readGraphqlRequest(ctx);
      if (!request) return reply(400, MISSING_QUERY_BODY);
      const prepared = prepare(schema, request);
      if (!prepared.ok) {
        record.operationName = prepared.operationName;
        record.errorCodes.push(...prepared.errors.map((e) => e.extensions.code));
        return reply(200, { errors: prepared.errors });
      }
      record.operationName = prepared.prepared.operation.name?.value ?? null;
      record.rootFields = prepared.prepared.rootFields;
      record.variables = JSON.stringify(request.variables).slice(0, 500);
      mutationRan = prepared.prepared.operation.operation === "mutation";
      const result = await run(schema, prepared.prepared, request, rootValue, { shop });
      record.errorCodes.push(...result.errors.map((e) => e.extensions.code));
      reply(200, { ...(result.errors.length ? { errors: result.errors } : {}), data: result.data ?? null });
    } catch (error) {
      log.error("shopify_emulator.storefront_failed", { error: errorMessage(error) });
      reply(500, { errors: "Internal Server Error" });
    } finally {
      record.durationMs = Math.round((performance.now() - started) * 100) / 100;
      shop.stats.record(record);
    }
  };
}
