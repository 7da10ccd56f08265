import { getDirectiveValues, type GraphQLResolveInfo } from "graphql";

/**
 * Shopify's `@idempotent(key:)` rules on top of the shared store (../shared/idempotency-store.ts):
 * results are kept 24 hours (shopify.dev "Implementing idempotency"); the same key with the same
 * mutation and input replays the first result and applies nothing; the same key with anything
 * else is a parameter mismatch.
 *
 * Bounded: besides the 24 hours, only the newest KEY_CAP keys are kept (a client's retry comes
 * within seconds or minutes; the state file that holds them is written on every mutation).
 */
export const KEY_CAP = 1_000;

/** The `@idempotent(key:)` on the field being resolved (variables substituted), or undefined. */
export function idempotencyKeyOf(info: GraphQLResolveInfo): string | undefined {
  const directive = info.schema.getDirective("idempotent");
  const node = info.fieldNodes[0];
  if (!directive || !node) return undefined;
  const values = getDirectiveValues(directive, node, info.variableValues);
  return typeof values?.key === "string" ? values.key : undefined;
}
