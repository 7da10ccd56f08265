import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Shopify's calculated query cost (shopify.dev "GraphQL Admin API rate limits"):
 * scalar and enum 0, object 1, interface/union the most expensive possible type,
 * connection 2 + (first|last) × the cost of one node, each mutation field 10.
 * The requested cost sizes connections by their arguments; the actual cost walks the
 * response and counts what came back. A list of objects that is not a connection counts
 * once (its size is not known before execution).
 */
export const MUTATION_COST = 10;
export const SINGLE_QUERY_MAX_COST = 1_000;

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** `data` undefined = requested cost (before execution). */
export function queryCost(input: CostInput, data?: Record<string, unknown> | null): number {
  const { schema, operation } = input;
  const mode: Mode = data === undefined ? { kind: "requested" } : { kind: "actual" };
  if (operation.operation === "mutation") {
    const root = schema.getMutationType();
    if (!root) return 0;
    // Each root mutation field costs 10, whatever its payload selects; one that returned null still ran.
    return collect(input, root, [operation.selectionSet]).size * MUTATION_COST;
  }
  const root = operation.operation === "query" ? schema.getQueryType() : schema.getSubscriptionType();
  if (!root) return 0;
  if (mode.kind === "actual" && (data === null || data === undefined)) return 0;
  return selectionCost(input, root, [operation.selectionSet], data ?? undefined, mode);
}

type Mode = { kind: "requested" } | { kind: "actual" };

/** Fields of a selection (fragments flattened for `type`), grouped by response key. */
function collect(input: CostInput, type: GraphQLObjectType, sets: readonly SelectionSetNode[], out = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = (selection.alias ?? selection.name).value;
        out.set(key, [...(out.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || applies(input.schema, selection.typeCondition.name.value, type)) collect(input, type, [selection.selectionSet], out);
      } else {
        const fragment = input.fragments[selection.name.value];
        if (fragment && applies(input.schema, fragment.typeCondition.name.value, type)) collect(input, type, [fragment.selectionSet], out);
      }
    }
  }
  return out;
}

function applies(schema: GraphQLSchema, condition: string, type: GraphQLObjectType): boolean {
  const conditionType = schema.getType(condition);
  if (!conditionType) return false;
  if (conditionType === type) return true;
  return isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** Cost of the children of one composite value (the value itself is counted by the caller). */
function selectionCost(
  input: CostInput,
  type: GraphQLCompositeType,
  sets: readonly SelectionSetNode[],
  value: Record<string, unknown> | undefined,
  mode: Mode,
): number {
  if (isAbstractType(type)) {
    let max = 0;
    for (const possible of input.schema.getPossibleTypes(type)) max = Math.max(max, selectionCost(input, possible, sets, value, mode));
    return max;
  }
  let total = 0;
  for (const [key, nodes] of collect(input, type, sets)) {
    const first = nodes[0];
    const field = first ? type.getFields()[first.name.value] : undefined;
    if (!first || !field) continue; // __typename and friends
    total += fieldCost(input, field, nodes, mode.kind === "actual" ? value?.[key] : undefined, mode);
  }
  return total;
}

function fieldCost(input: CostInput, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], value: unknown, mode: Mode): number {
  const named = getNamedType(field.type);
  if (!isCompositeType(named)) return 0;
  if (mode.kind === "actual" && (value === null || value === undefined)) return 0;
  const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  if (isConnection(named, field)) return connectionCost(input, named, field, nodes, sets, value, mode);
  if (mode.kind === "actual" && Array.isArray(value)) {
    // Lists of objects count once: the heaviest item stands for the list.
    let max = 0;
    for (const item of value) max = Math.max(max, 1 + selectionCost(input, named, sets, record(item), mode));
    return max;
  }
  return 1 + selectionCost(input, named, sets, record(value), mode);
}

function isConnection(type: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith("Connection") && field.args.some((a) => a.name === "first");
}

function connectionCost(
  input: CostInput,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  nodes: FieldNode[],
  sets: readonly SelectionSetNode[],
  value: unknown,
  mode: Mode,
): number {
  const children = collect(input, type, sets);
  const nodeType = connectionNodeType(type);
  if (!nodeType) return 2;
  const nodesSets = (children.get("nodes") ?? []).flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  const edgeNodeSets = (children.get("edges") ?? []).flatMap((edge) =>
    (edge.selectionSet?.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD && s.name.value === "node" && s.selectionSet ? [s.selectionSet] : [])),
  );
  const perNode = (item: Record<string, unknown> | undefined, edge: Record<string, unknown> | undefined): number => {
    const viaNodes = nodesSets.length ? 1 + selectionCost(input, nodeType, nodesSets, item, mode) : 0;
    const viaEdges = edgeNodeSets.length ? 1 + selectionCost(input, nodeType, edgeNodeSets, record(edge?.node), mode) : 0;
    return Math.max(viaNodes, viaEdges);
  };
  if (mode.kind === "requested") {
    const first = nodes[0];
    const args = first ? getArgumentValues(field, first, input.variables) : {};
    const size = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : 0;
    return 2 + Math.max(0, size) * perNode(undefined, undefined);
  }
  const connection = record(value);
  const items = Array.isArray(connection?.nodes) ? connection.nodes : [];
  const edges = Array.isArray(connection?.edges) ? connection.edges : [];
  let total = 2;
  for (let i = 0; i < Math.max(items.length, edges.length); i++) total += perNode(record(items[i]), record(edges[i]));
  return total;
}

function connectionNodeType(type: GraphQLObjectType): GraphQLCompositeType | undefined {
  const nodes = type.getFields().nodes;
  const named = nodes ? getNamedType(nodes.type) : undefined;
  return named && isCompositeType(named) ? named : undefined;
}
