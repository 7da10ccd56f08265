import { createHash } from "node:crypto";
import { getDirectiveValues, type GraphQLResolveInfo } from "graphql";

/**
 * `@idempotent(key:)` results per shop, kept 24 hours (shopify.dev "Implementing
 * idempotency"): the same key with the same mutation and input replays the first result and
 * applies nothing; the same key with anything else is a parameter mismatch.
 *
 * Bounded: besides the 24 hours, only the newest KEY_CAP keys are kept (a client's retry comes
 * within seconds or minutes; the state file that holds them is written on every mutation).
 * Fingerprints are kept as hashes, since only their equality matters.
 */
const RETENTION_MS = 24 * 60 * 60 * 1000;
export const KEY_CAP = 1_000;

/** One remembered key as the state file holds it: `replay` is what the answer is rebuilt from. */
export interface SavedKey<Replay> {
  key: string;
  fingerprint: string;
  storedAt: number;
  replay: Replay;
}

interface Entry<Result, Replay> extends SavedKey<Replay> {
  /** The first answer itself; rebuilt from `replay` on first use after a restart. */
  result: Result | undefined;
}

export type IdempotencyCheck<Result> = { kind: "fresh" } | { kind: "replay"; result: Result } | { kind: "mismatch" };

const hashed = (fingerprint: string) => createHash("sha256").update(fingerprint).digest("base64url");

export class IdempotencyStore<Result, Replay> {
  /** Oldest first: a key remembered again moves to the end. */
  private readonly entries = new Map<string, Entry<Result, Replay>>();

  constructor(
    private readonly revive: (replay: Replay) => Result,
    private readonly now: () => number = Date.now,
  ) {}

  check(key: string, fingerprint: string): IdempotencyCheck<Result> {
    const entry = this.entries.get(key);
    if (!entry || this.now() - entry.storedAt > RETENTION_MS) return { kind: "fresh" };
    if (entry.fingerprint !== hashed(fingerprint)) return { kind: "mismatch" };
    entry.result ??= this.revive(entry.replay);
    return { kind: "replay", result: entry.result };
  }

  remember(key: string, fingerprint: string, result: Result, replay: Replay): void {
    this.entries.delete(key);
    this.entries.set(key, { key, fingerprint: hashed(fingerprint), storedAt: this.now(), replay, result });
    this.prune();
  }

  /** The keys still within their window, oldest first. */
  saved(): SavedKey<Replay>[] {
    this.prune();
    return [...this.entries.values()].map(({ key, fingerprint, storedAt, replay }) => ({ key, fingerprint, storedAt, replay }));
  }

  /** A restarted shop's keys (answers rebuilt when first replayed). */
  restore(keys: readonly SavedKey<Replay>[]): void {
    for (const k of keys) this.entries.set(k.key, { ...k, result: undefined });
    this.prune();
  }

  private prune(): void {
    const cutoff = this.now() - RETENTION_MS;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= KEY_CAP && entry.storedAt >= cutoff) break;
      this.entries.delete(key);
    }
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
