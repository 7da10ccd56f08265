import { BREAK, GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from "graphql";

/**
 * Errors in the shape Shopify's GraphQL server (graphql-ruby) sends: HTTP 200,
 * `{"errors":[{"message","locations","path","extensions":{"code",…}}]}`. graphql-js validates
 * here, so its most common validation messages are reworded to graphql-ruby's text and codes
 * (`Field 'x' doesn't exist on type 'QueryRoot'`, `undefinedField`), with graphql-ruby's
 * document path (`["query Name", "field", …]`).
 */
export interface ShopifyErrorLocation {
  line: number;
  column: number;
}

export interface ShopifyGraphQLError {
  message: string;
  locations?: ShopifyErrorLocation[];
  path?: (string | number)[];
  extensions: { code: string; [key: string]: unknown };
}

interface ErrorExtras {
  locations?: ShopifyErrorLocation[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export function shopifyError(message: string, code: string, extra: ErrorExtras = {}): ShopifyGraphQLError {
  return {
    message,
    ...(extra.locations ? { locations: extra.locations } : {}),
    ...(extra.path ? { path: extra.path } : {}),
    extensions: { ...extra.extensions, code },
  };
}

interface Rewrite {
  pattern: RegExp;
  build(m: RegExpExecArray): { message: string; code: string; extensions?: Record<string, unknown> };
}

/** graphql-js message → graphql-ruby message/code (the rules a client most often trips). */
const REWRITES: Rewrite[] = [
  {
    pattern: /^Cannot query field "([^"]+)" on type "([^"]+)"\./,
    build: (m) => ({ message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, code: "undefinedField", extensions: { typeName: m[2], fieldName: m[1] } }),
  },
  {
    pattern: /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./,
    build: (m) => ({
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      code: "argumentNotAccepted",
      extensions: { name: m[3], typeName: "Field", argumentName: m[1] },
    }),
  },
  {
    pattern: /^Field "([^"]+)" argument "([^"]+)" of type "[^"]+" is required, but it was not provided\./,
    build: (m) => ({
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      code: "missingRequiredArguments",
      extensions: { className: "Field", name: m[1], arguments: m[2] },
    }),
  },
  {
    pattern: /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields\./,
    build: (m) => ({
      message: `Field must have selections (field '${m[1]}' returns ${(m[2] ?? "").replace(/[[\]!]/g, "")} but has no selections. Did you mean '${m[1]} { ... }'?)`,
      code: "selectionMismatch",
      extensions: { nodeName: `field '${m[1]}'`, typeName: (m[2] ?? "").replace(/[[\]!]/g, "") },
    }),
  },
  {
    pattern: /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields\./,
    build: (m) => ({
      message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2]} but has selections)`,
      code: "selectionMismatch",
      extensions: { nodeName: `field '${m[1]}'`, typeName: m[2] },
    }),
  },
  {
    pattern: /^Variable "\$([^"]+)" is never used(?: in operation "([^"]+)")?\./,
    build: (m) => ({
      message: `Variable $${m[1]} is declared by ${m[2] ?? "anonymous query"} but not used`,
      code: "variableNotUsed",
      extensions: { variableName: m[1] },
    }),
  },
  {
    pattern: /^Variable "\$([^"]+)" is not defined(?: by operation "([^"]+)")?\./,
    build: (m) => ({
      message: `Variable $${m[1]} is used by ${m[2] ?? "anonymous query"} but not declared`,
      code: "variableNotDefined",
      extensions: { variableName: m[1] },
    }),
  },
  {
    pattern: /^Unknown directive "@([^"]+)"\./,
    build: (m) => ({ message: `Directive @${m[1]} is not defined`, code: "undefinedDirective", extensions: { directiveName: m[1] } }),
  },
  {
    pattern: /^Unknown type "([^"]+)"\./,
    build: (m) => ({ message: `No such type ${m[1]}, so it can't be a fragment condition`, code: "undefinedType", extensions: { typeName: m[1] } }),
  },
];

/** One graphql-js validation error → Shopify's wording, code, locations and document path. */
export function fromValidationError(error: GraphQLError, document: DocumentNode): ShopifyGraphQLError {
  const node = error.nodes?.[0];
  const path = node ? documentPath(document, node) : undefined;
  for (const rewrite of REWRITES) {
    const match = rewrite.pattern.exec(error.message);
    if (match) {
      const { message, code, extensions } = rewrite.build(match);
      return shopifyError(message, code, { locations: error.locations ? [...error.locations] : undefined, path, extensions });
    }
  }
  return shopifyError(error.message, "GRAPHQL_VALIDATION_FAILED", { locations: error.locations ? [...error.locations] : undefined, path });
}

export function fromSyntaxError(error: GraphQLError): ShopifyGraphQLError {
  return shopifyError(error.message.replace(/^Syntax Error: /, "syntax error, "), "GRAPHQL_PARSE_FAILED", {
    locations: error.locations ? [...error.locations] : undefined,
  });
}

/** An error raised while executing (a resolver's GraphQLError keeps its code; anything else is ours). */
export function fromExecutionError(error: GraphQLError): ShopifyGraphQLError {
  const code = typeof error.extensions.code === "string" ? error.extensions.code : "INTERNAL_SERVER_ERROR";
  const internal = code === "INTERNAL_SERVER_ERROR" && !(error.originalError instanceof GraphQLError) && error.originalError !== undefined;
  return shopifyError(internal ? "Internal error. Looks like something went wrong on our end." : error.message, code, {
    locations: error.locations ? [...error.locations] : undefined,
    path: error.path ? [...error.path] : undefined,
    extensions: { ...error.extensions },
  });
}

/** graphql-ruby's error path: operation ("query Name"), then fields (by alias), fragments. */
function documentPath(document: DocumentNode, target: ASTNode): string[] | undefined {
  let found: string[] | undefined;
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (node !== target) return undefined;
      found = [...ancestors, node].flatMap((a) => (Array.isArray(a) ? [] : segment(a as ASTNode)));
      return BREAK;
    },
  });
  return found;
}

function segment(node: ASTNode): string[] {
  switch (node.kind) {
    case Kind.OPERATION_DEFINITION:
      return [node.name ? `${node.operation} ${node.name.value}` : node.operation];
    case Kind.FRAGMENT_DEFINITION:
      return [`fragment ${node.name.value}`];
    case Kind.FIELD:
      return [(node.alias ?? node.name).value];
    case Kind.INLINE_FRAGMENT:
      return [node.typeCondition ? `... on ${node.typeCondition.name.value}` : "..."];
    case Kind.FRAGMENT_SPREAD:
      return [`... ${node.name.value}`];
    case Kind.ARGUMENT:
      return [node.name.value];
    default:
      return [];
  }
}
