import { createHash } from "node:crypto";

/**
 * The one idempotency-key store every emulator uses (Shopify's `@idempotent(key:)`, the
 * marketplace's and ERP's `Idempotency-Key`): the first answer under a key is kept and replayed
 * for the same request; the same key with a different request is a mismatch, never applied.
 *
 * Bounded by a time window and, optionally, a key cap (a state file holding the keys is
 * rewritten on every change). A remembered answer is kept twice over: as the value itself and as
 * `replay`, the JSON the state file holds, from which a restarted emulator rebuilds the value on
 * first use.
 */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** One remembered key as a state file holds it. */
export interface SavedKey<Replay> {
  key: string;
  fingerprint: string;
  storedAt: number;
  replay: Replay;
}

interface Entry<Value, Replay> extends SavedKey<Replay> {
  /** The first answer itself; rebuilt from `replay` on first use after a restart. */
  value: Value | undefined;
}

export type IdempotencyCheck<Value> = { kind: "new" } | { kind: "replay"; value: Value } | { kind: "mismatch" };

export interface IdempotencyStoreOptions<Value, Replay> {
  /** Rebuilds a value from its saved replay (the identity when the two are the same). */
  revive: (replay: Replay) => Value;
  /** How long a key is remembered; a day unless told. */
  ttlMs?: number;
  /** Keys kept within the window, oldest dropped first; unbounded unless told. */
  maxKeys?: number;
  now?: () => number;
}

export class IdempotencyStore<Value, Replay = Value> {
  /** Oldest first: a key remembered again moves to the end. */
  private readonly entries = new Map<string, Entry<Value, Replay>>();
  private readonly revive: (replay: Replay) => Value;
  private readonly ttlMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: IdempotencyStoreOptions<Value, Replay>) {
    this.revive = options.revive;
    this.ttlMs = options.ttlMs ?? DAY_MS;
    this.maxKeys = options.maxKeys ?? Infinity;
    this.now = options.now ?? Date.now;
  }

  check(key: string, fingerprint: string): IdempotencyCheck<Value> {
    this.prune();
    const entry = this.entries.get(key);
    if (!entry) return { kind: "new" };
    if (entry.fingerprint !== fingerprint) return { kind: "mismatch" };
    entry.value ??= this.revive(entry.replay);
    return { kind: "replay", value: entry.value };
  }

  remember(key: string, fingerprint: string, value: Value, replay: Replay): void {
    this.entries.delete(key);
    this.entries.set(key, { key, fingerprint, storedAt: this.now(), replay, value });
    this.prune();
  }

  /** The keys still within their window, oldest first. */
  saved(): SavedKey<Replay>[] {
    this.prune();
    return [...this.entries.values()].map(({ key, fingerprint, storedAt, replay }) => ({ key, fingerprint, storedAt, replay }));
  }

  /** A restarted emulator's keys, oldest first (values rebuilt when first replayed). */
  restore(keys: readonly SavedKey<Replay>[]): void {
    this.entries.clear();
    for (const k of keys) this.entries.set(k.key, { ...k, value: undefined });
    this.prune();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Map iteration is insertion order, so the oldest entries come first. */
  private prune(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxKeys && entry.storedAt >= cutoff) break;
      this.entries.delete(key);
    }
  }
}

/** JSON with object keys sorted, so two equal inputs always print the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Fingerprints are kept as hashes, since only their equality matters. */
export const sha256 = (text: string, encoding: "hex" | "base64url"): string => createHash("sha256").update(text).digest(encoding);
