import { performance } from "node:perf_hooks";
import type { GraphQLSchema } from "graphql";
import { errorMessage, log } from "../../lib/log";
import { sendJson, type RouteContext } from "../shared/http";
import type { AdminContext } from "./admin-mutation";
import { queryCost, SINGLE_QUERY_MAX_COST } from "./cost";
import { injectFaults, maybeStall } from "./faults";
import { shopifyError, type ShopifyGraphQLError } from "./graphql-errors";
import { MISSING_QUERY_BODY, prepare, readGraphqlRequest, run } from "./graphql-pipeline";
import { uuidFrom } from "./ids";
import type { ShopState } from "./shop-state";
import { newRequestRecord } from "./stats";

/**
 * `POST /admin/api/2026-10/graphql.json`: token check, validation against the published
 * schema, the cost-based leaky bucket (THROTTLED with nothing run when the bucket cannot
 * cover the requested cost), execution, and `extensions.cost` on every GraphQL response.
 */
export const ADMIN_API_VERSION = "2026-10";
export const INVALID_TOKEN_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ReturnType<ShopState["bucket"]["status"]>;
}

export function adminGraphqlHandler(shop: ShopState, schema: GraphQLSchema, rootValue: Record<string, unknown>) {
  return async (ctx: RouteContext): Promise<void> => {
    const started = performance.now();
    const record = newRequestRecord("admin");
    const headers = { "x-request-id": uuidFrom(shop.random), "x-shopify-api-version": ADMIN_API_VERSION };
    /** Only a mutation that ran can have changed what the state file holds. */
    let mutationRan = false;
    const reply = (status: number, body: unknown) => {
      record.status = status;
      const write = () => sendJson(ctx.res, status, body, headers);
      if (mutationRan) write();
      else shop.saves.unsaved(write);
    };
    const answer = (errors: ShopifyGraphQLError[], cost: Cost, data?: Record<string, unknown> | null) => {
      record.errorCodes.push(...errors.map((e) => e.extensions.code));
      reply(200, { ...(errors.length ? { errors } : {}), ...(data !== undefined ? { data } : {}), extensions: { cost } });
    };
    try {
      if (await injectFaults(shop.faults, shop.random, ctx.res)) {
        shop.stats.counters.faultsInjected++;
        record.status = 503;
        return;
      }
      const token = ctx.req.headers["x-shopify-access-token"];
      // An expired client-credentials token is refused exactly like an unknown one.
      if (typeof token !== "string" || (token !== shop.adminAccessToken && !shop.accessTokens?.valid(token))) {
        shop.stats.counters.unauthorized++;
        return reply(401, INVALID_TOKEN_BODY);
      }
      const request = await readGraphqlRequest(ctx);
      if (!request) return reply(400, MISSING_QUERY_BODY);
      record.variables = JSON.stringify(request.variables).slice(0, 500);
      const prepared = prepare(schema, request);
      if (!prepared.ok) {
        record.operationName = prepared.operationName;
        return answer(prepared.errors, { requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: shop.bucket.status() });
      }
      const { operation, rootFields } = prepared.prepared;
      record.operationName = operation.name?.value ?? null;
      record.rootFields = rootFields;
      const costInput = { schema, ...prepared.prepared };
      const requested = queryCost(costInput);
      record.requestedCost = requested;
      if (requested > SINGLE_QUERY_MAX_COST) {
        shop.stats.counters.maxCostExceeded++;
        const message = `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).`;
        return answer(
          [shopifyError(message, "MAX_COST_EXCEEDED", { extensions: { cost: requested, maxCost: SINGLE_QUERY_MAX_COST, documentation: RATE_LIMITS_DOC } })],
          {
            requestedQueryCost: requested,
            actualQueryCost: null,
            throttleStatus: shop.bucket.status(),
          },
        );
      }
      if (!shop.bucket.tryTake(requested)) {
        record.throttled = true;
        return answer([shopifyError("Throttled", "THROTTLED", { extensions: { documentation: RATE_LIMITS_DOC } })], {
          requestedQueryCost: requested,
          actualQueryCost: null,
          throttleStatus: shop.bucket.status(),
        });
      }
      const context: AdminContext = { shop, record };
      mutationRan = operation.operation === "mutation";
      const result = await run(schema, prepared.prepared, request, rootValue, context);
      const actual = Math.min(requested, queryCost(costInput, result.data ?? null));
      shop.bucket.giveBack(requested - actual);
      record.actualCost = actual;
      await maybeStall(shop.faults, shop.random, { counters: shop.stats.counters, record });
      return answer(result.errors, { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: shop.bucket.status() }, result.data ?? null);
    } catch (error) {
      log.error("shopify_emulator.admin_failed", { error: errorMessage(error) });
      reply(500, { errors: "Internal Server Error" });
    } finally {
      record.durationMs = Math.round((performance.now() - started) * 100) / 100;
      shop.stats.record(record);
    }
  };
}
