import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { canonicalJson, sha256 } from "../shared/idempotency-store";
import { idempotencyKeyOf } from "./idempotency";
import type { MutationPayload } from "./mutation-payload";
import type { Replay } from "./replay-schema";
import type { ShopState } from "./shop-state";
import type { RequestRecord } from "./stats";

/**
 * The frame every Admin mutation resolver runs in. Idempotent mutations (2026-04+: inventory
 * adjust/set, refundCreate, …) require `@idempotent(key:)`, replay the first result for the
 * same key and input, and answer IDEMPOTENCY_KEY_PARAMETER_MISMATCH for the same key with
 * other input. Each mutation module (inventory-mutations.ts, refund-mutations.ts,
 * discount-mutations.ts) wraps its resolvers in one of these; admin-resolvers.ts wires them.
 */
export type Args = Record<string, unknown>;

export interface AdminContext {
  shop: ShopState;
  record: RequestRecord;
}

export type MutationResolver = (args: Args, context: AdminContext, info: GraphQLResolveInfo) => MutationPayload;

export interface MutationSpec {
  /** Top-level argument checks that Shopify reports as GraphQL errors (throw a GraphQLError). */
  precheck?: (args: Args) => void;
  run: (args: Args, context: AdminContext) => MutationPayload;
}

/** An idempotent mutation's answer and the data its replay is rebuilt from after a restart. */
export interface IdempotentOutcome {
  payload: MutationPayload;
  replay: Replay;
}

export interface IdempotentSpec {
  /**
   * A refused attempt is not replayed: the key is spent, and using it again answers
   * IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED ("A previous request with this idempotency key failed.
   * Retry with a new idempotency key.", schema InventoryAdjustQuantitiesUserErrorCode;
   * https://shopify.dev/docs/api/usage/implementing-idempotency). Inventory mutations only:
   * other payloads' error types have no such code.
   */
  spendFailedKeys?: boolean;
  precheck?: (args: Args) => void;
  run: (args: Args, context: AdminContext) => IdempotentOutcome;
}

/** An answer that applied nothing: user errors, every other field null. */
export function refused(payload: MutationPayload): IdempotentOutcome {
  const nullFields = Object.keys(payload).filter((k) => k !== "userErrors" && payload[k] === null);
  return { payload, replay: { kind: "refused", nullFields, userErrors: payload.userErrors } };
}

const MISSING_DIRECTIVE = "The @idempotent directive is required for this mutation but was not provided.";

export function idempotentMutation(fieldName: string, spec: IdempotentSpec): MutationResolver {
  return (args, context, info) => {
    const key = idempotencyKeyOf(info);
    if (key === undefined) throw new GraphQLError(MISSING_DIRECTIVE, { extensions: { code: "BAD_REQUEST" } });
    if (key.trim() === "") throw new GraphQLError("The idempotency key cannot be an empty string or whitespace only.", { extensions: { code: "BAD_REQUEST" } });
    context.record.idempotencyKey = key;
    spec.precheck?.(args);
    const fingerprint = sha256(`${fieldName}:${canonicalJson(args)}`, "base64url");
    const prior = context.shop.idempotency.check(key, fingerprint);
    if (prior.kind === "replay" && spec.spendFailedKeys && prior.value.userErrors.length > 0) {
      context.record.userErrorCodes.push("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED");
      return {
        userErrors: [
          {
            field: null,
            message: "A previous request with this idempotency key failed. Retry with a new idempotency key.",
            code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
          },
        ],
      };
    }
    if (prior.kind === "replay") {
      context.shop.stats.counters.idempotentReplays++;
      context.record.replayed = true;
      const payload = prior.value;
      context.record.userErrorCodes.push(...payload.userErrors.map((e) => e.code));
      return payload;
    }
    if (prior.kind === "mismatch") {
      context.shop.stats.counters.idempotencyMismatches++;
      context.record.userErrorCodes.push("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
      return {
        userErrors: [
          { field: null, message: "The same idempotency key cannot be used with different operation parameters.", code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" },
        ],
      };
    }
    const { payload, replay } = spec.run(args, context);
    context.shop.idempotency.remember(key, fingerprint, payload, replay);
    context.record.userErrorCodes.push(...payload.userErrors.map((e) => e.code));
    return payload;
  };
}

/** A mutation without idempotency rules. */
export function plainMutation(spec: MutationSpec): MutationResolver {
  return (args, context) => {
    spec.precheck?.(args);
    const payload = spec.run(args, context);
    context.record.userErrorCodes.push(...payload.userErrors.map((e) => e.code));
    return payload;
  };
}

/** Shopify caps every input array at 250 items. */
export function checkInputArraySize(items: unknown, path: string): void {
  if (Array.isArray(items) && items.length > 250)
    throw new GraphQLError(`The input array size of ${items.length} is greater than the maximum allowed of 250.`, {
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED", path },
    });
}
