import { GraphQLError } from "graphql";

/**
 * Relay connections the way Shopify pages them: `first`/`after` or `last`/`before` (one of
 * first or last is required), opaque base64 cursors of `{"last_id","last_value"}`, `reverse`.
 */
export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<N> {
  nodes: N[];
  edges: { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Shopify's page limit for `first`/`last` (https://shopify.dev/changelog/new-pagination-limits-for-liquid-storefront-graphql-api: "250 … the Storefront GraphQL API limit"; the Admin API's is the same). */
export const MAX_PAGE_SIZE = 250;

export const cursorFor = (id: number): string => Buffer.from(JSON.stringify({ last_id: id, last_value: String(id) })).toString("base64");

function idFromCursor(cursor: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && "last_id" in parsed && typeof parsed.last_id === "number") return parsed.last_id;
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

const num = (value: unknown): number | null => (typeof value === "number" ? value : null);
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

export function connectionArgs(args: Record<string, unknown>): ConnectionArgs {
  return { first: num(args.first), last: num(args.last), after: str(args.after), before: str(args.before), reverse: args.reverse === true };
}

/** Page `items` (already filtered and in sort order) by `args`; `idOf` feeds the cursors. */
export function paginate<T, N>(items: readonly T[], rawArgs: Record<string, unknown>, idOf: (item: T) => number, toNode: (item: T) => N): Connection<N> {
  const args = connectionArgs(rawArgs);
  if (args.first == null && args.last == null) throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  for (const [name, value] of [
    ["first", args.first],
    ["last", args.last],
  ] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE))
      throw new GraphQLError(`The ${name} argument must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: "BAD_REQUEST" } });
  }
  const ordered = args.reverse ? [...items].reverse() : [...items];
  let start = 0;
  let end = ordered.length;
  if (args.after) {
    const id = idFromCursor(args.after);
    const at = ordered.findIndex((item) => idOf(item) === id);
    start = at === -1 ? ordered.length : at + 1;
  }
  if (args.before) {
    const id = idFromCursor(args.before);
    const at = ordered.findIndex((item) => idOf(item) === id);
    end = at === -1 ? end : at;
  }
  let window = ordered.slice(start, Math.max(start, end));
  let hasNextPage = end < ordered.length;
  let hasPreviousPage = start > 0;
  if (args.first != null && window.length > args.first) {
    window = window.slice(0, args.first);
    hasNextPage = true;
  }
  if (args.last != null && window.length > args.last) {
    window = window.slice(window.length - args.last);
    hasPreviousPage = true;
  }
  const edges = window.map((item) => ({ cursor: cursorFor(idOf(item)), node: toNode(item) }));
  return {
    nodes: edges.map((e) => e.node),
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
