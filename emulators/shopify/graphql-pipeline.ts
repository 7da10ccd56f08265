import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  validate,
  execute,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { z } from "zod";
import { errorMessage, log } from "../../lib/log";
import type { RouteContext } from "../shared/http";
import { fromExecutionError, fromSyntaxError, fromValidationError, shopifyError, type ShopifyGraphQLError } from "./graphql-errors";

/**
 * Shared by the Admin and Storefront endpoints: read the HTTP body (JSON or
 * application/graphql), parse, validate against the real schema, coerce variables, then
 * execute. Every failure comes back as Shopify-shaped errors.
 */
export interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

const bodySchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

/** null = Shopify's 400 for a body without a usable `query`. */
export async function readGraphqlRequest(ctx: RouteContext): Promise<GraphqlRequest | null> {
  const raw = (await ctx.rawBody()).toString("utf8");
  if ((ctx.req.headers["content-type"] ?? "").includes("application/graphql")) return raw.trim() ? { query: raw, variables: {}, operationName: null } : null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const body = bodySchema.safeParse(parsed);
  if (!body.success) return null;
  return { query: body.data.query, variables: body.data.variables ?? {}, operationName: body.data.operationName ?? null };
}

export const MISSING_QUERY_BODY = { errors: { query: "Required parameter missing or invalid" } };

export interface Prepared {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** Coerced variable values (for cost and directives). */
  variables: Record<string, unknown>;
  rootFields: string[];
}

export type PrepareResult = { ok: true; prepared: Prepared } | { ok: false; errors: ShopifyGraphQLError[]; operationName: string | null };

export function prepare(schema: GraphQLSchema, request: GraphqlRequest): PrepareResult {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { ok: false, errors: [fromSyntaxError(error)], operationName: null };
    throw error;
  }
  const invalid = validate(schema, document);
  const named = getOperationAST(document, request.operationName ?? undefined);
  const operationName = named?.name?.value ?? request.operationName;
  if (invalid.length > 0) return { ok: false, errors: invalid.map((e) => fromValidationError(e, document)), operationName };
  if (!named) {
    const message = request.operationName ? `No operation named "${request.operationName}"` : "An operation name is required";
    return { ok: false, errors: [shopifyError(message, "BAD_REQUEST")], operationName };
  }
  const coerced = getVariableValues(schema, named.variableDefinitions ?? [], request.variables, { maxErrors: 25 });
  if ("errors" in coerced && coerced.errors) {
    return {
      ok: false,
      errors: coerced.errors.map((e) => shopifyError(e.message, "INVALID_VARIABLE", { locations: e.locations ? [...e.locations] : undefined })),
      operationName,
    };
  }
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const rootFields = named.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  return { ok: true, prepared: { document, operation: named, fragments, variables: coerced.coerced ?? {}, rootFields } };
}

export interface Executed {
  data: Record<string, unknown> | null | undefined;
  errors: ShopifyGraphQLError[];
}

export async function run(schema: GraphQLSchema, prepared: Prepared, request: GraphqlRequest, rootValue: unknown, contextValue: unknown): Promise<Executed> {
  const result = await execute({
    schema,
    document: prepared.document,
    rootValue,
    contextValue,
    variableValues: request.variables,
    operationName: prepared.operation.name?.value,
  });
  for (const error of result.errors ?? []) {
    // A bug in a resolver (not a Shopify-shaped GraphQLError): log it, the client sees a generic error.
    if (error.originalError && !(error.originalError instanceof GraphQLError))
      log.error("shopify_emulator.resolver_error", { error: errorMessage(error.originalError), path: (error.path ?? []).map(String) });
  }
  return { data: result.data as Record<string, unknown> | null | undefined, errors: (result.errors ?? []).map(fromExecutionError) };
}
