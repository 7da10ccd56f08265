import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * Stripe-style idempotency keys: the first outcome of a key is stored and replayed for the
 * same request; the same key with a different request is refused (422), never applied.
 * Only outcomes of requests that ran are stored (not 400/401/429/503), so a client can
 * retry those with the same key.
 */
export interface StoredReply {
  status: number;
  body: unknown;
}

export type Recall = { kind: "new" } | { kind: "replay"; reply: StoredReply } | { kind: "mismatch" };

interface Entry {
  fingerprint: string;
  reply: StoredReply;
  at: number;
}

/** One remembered key, as saved on disk. */
export const savedKeySchema = z.object({
  scope: z.string(),
  key: z.string(),
  fingerprint: z.string(),
  reply: z.object({ status: z.number().int(), body: z.unknown() }),
  at: z.number(),
});
export type SavedKey = z.infer<typeof savedKeySchema>;

const DAY_MS = 24 * 60 * 60 * 1000;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = DAY_MS,
    private readonly now: () => number = Date.now,
    /** Keys kept within the TTL, oldest dropped first. Unbounded by default; a saved store caps it (its file is rewritten on every request). */
    private readonly maxEntries = Infinity,
  ) {}

  /** The keys still within their TTL, oldest first. */
  saved(): SavedKey[] {
    this.expire();
    return [...this.entries].map(([id, e]) => {
      const cut = id.indexOf("\n");
      return { scope: id.slice(0, cut), key: id.slice(cut + 1), fingerprint: e.fingerprint, reply: e.reply, at: e.at };
    });
  }

  restore(keys: readonly SavedKey[]): void {
    this.entries.clear();
    for (const k of keys) this.entries.set(`${k.scope}\n${k.key}`, { fingerprint: k.fingerprint, reply: { status: k.reply.status, body: k.reply.body }, at: k.at });
    this.expire();
  }

  recall(scope: string, key: string, fingerprint: string): Recall {
    this.expire();
    const entry = this.entries.get(`${scope}\n${key}`);
    if (!entry) return { kind: "new" };
    return entry.fingerprint === fingerprint ? { kind: "replay", reply: entry.reply } : { kind: "mismatch" };
  }

  remember(scope: string, key: string, fingerprint: string, reply: StoredReply): void {
    this.entries.set(`${scope}\n${key}`, { fingerprint, reply, at: this.now() });
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Map iteration is insertion order, so the oldest entries come first. */
  private expire(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (entry.at >= cutoff) break;
      this.entries.delete(key);
    }
  }
}

/** The request's identity: method, path and body with keys sorted (formatting does not count). */
export function fingerprint(route: string, body: unknown): string {
  return createHash("sha256").update(route).update("\n").update(canonicalJson(body)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
