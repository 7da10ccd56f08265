import { z } from "zod";
import { canonicalJson, IdempotencyStore, sha256 } from "./idempotency-store";

/**
 * Stripe-style `Idempotency-Key` replies for the marketplace and ERP emulators, on the shared
 * store (idempotency-store.ts). Only outcomes of requests that ran are stored (not
 * 400/401/429/503), so a client can retry those with the same key. Saved in the shape their
 * state files have always had (`scope`, `key`, `reply`, `at`), so old files still load.
 */
export interface StoredReply {
  status: number;
  body: unknown;
}

/** One remembered key, as saved on disk. */
export const savedKeySchema = z.object({
  scope: z.string(),
  key: z.string(),
  fingerprint: z.string(),
  reply: z.object({ status: z.number().int(), body: z.unknown() }),
  at: z.number(),
});
export type SavedReplyKey = z.infer<typeof savedKeySchema>;

/** Keys are per scope (the marketplace's seller API key, "erp"): one store, the scope in the key. */
const storeKey = (scope: string, key: string) => `${scope}\n${key}`;

export class ReplyKeys {
  private readonly store: IdempotencyStore<StoredReply>;

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.store = new IdempotencyStore<StoredReply>({ revive: (reply) => reply, ...options });
  }

  recall(scope: string, key: string, fingerprint: string) {
    return this.store.check(storeKey(scope, key), fingerprint);
  }

  remember(scope: string, key: string, fingerprint: string, reply: StoredReply): void {
    this.store.remember(storeKey(scope, key), fingerprint, reply, reply);
  }

  /** The keys still within their window, oldest first. */
  saved(): SavedReplyKey[] {
    return this.store.saved().map((k) => {
      const cut = k.key.indexOf("\n");
      return { scope: k.key.slice(0, cut), key: k.key.slice(cut + 1), fingerprint: k.fingerprint, reply: k.replay, at: k.storedAt };
    });
  }

  restore(keys: readonly SavedReplyKey[]): void {
    this.store.restore(
      keys.map((k) => ({ key: storeKey(k.scope, k.key), fingerprint: k.fingerprint, storedAt: k.at, replay: { status: k.reply.status, body: k.reply.body } })),
    );
  }

  get size(): number {
    return this.store.size;
  }
}

/** The request's identity: method, path and body with keys sorted (formatting does not count). */
export const requestFingerprint = (route: string, body: unknown): string => sha256(`${route}\n${canonicalJson(body)}`, "hex");
