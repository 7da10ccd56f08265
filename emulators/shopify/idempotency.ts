import { getDirectiveValues, type GraphQLResolveInfo } from "graphql";

/**
 * `@idempotent(key:)` results per shop, kept 24 hours (shopify.dev "Implementing
 * idempotency"): the same key with the same mutation and input replays the first result and
 * applies nothing; the same key with anything else is a parameter mismatch.
 */
const RETENTION_MS = 24 * 60 * 60 * 1000;

interface Entry {
  fingerprint: string;
  result: unknown;
  storedAt: number;
}

export type IdempotencyCheck = { kind: "fresh" } | { kind: "replay"; result: unknown } | { kind: "mismatch" };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  check(key: string, fingerprint: string): IdempotencyCheck {
    const entry = this.entries.get(key);
    if (!entry || this.now() - entry.storedAt > RETENTION_MS) return { kind: "fresh" };
    return entry.fingerprint === fingerprint ? { kind: "replay", result: entry.result } : { kind: "mismatch" };
  }

  remember(key: string, fingerprint: string, result: unknown): void {
    this.entries.set(key, { fingerprint, result, storedAt: this.now() });
  }
}

/** JSON with object keys sorted, so two equal inputs always print the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The `@idempotent(key:)` on the field being resolved (variables substituted), or undefined. */
export function idempotencyKeyOf(info: GraphQLResolveInfo): string | undefined {
  const directive = info.schema.getDirective("idempotent");
  const node = info.fieldNodes[0];
  if (!directive || !node) return undefined;
  const values = getDirectiveValues(directive, node, info.variableValues);
  return typeof values?.key === "string" ? values.key : undefined;
}
