import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { outboxKeys } from "../redis/keys";
import { runScript } from "../redis/run-script";
import { decodeStoredList } from "../redis/stored-json";

/**
 * The email outbox: where the local transport (EMAIL_TRANSPORT=outbox) keeps rendered mails
 * instead of sending them, for /ops and the tests. Newest first, the newest 1,000 kept.
 */
export const OUTBOX_MAX = 1_000;

export const outboxMailSchema = z.object({
  id: z.string(),
  at: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
});
export type OutboxMail = z.infer<typeof outboxMailSchema>;

/** Index and message in one step: a crash cannot leave one without the other. KEYS: index, list. ARGV: id, at, message, max. */
const OUTBOX_LUA = String.raw`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[3])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
return 1
`;

/** Stores the mail once per id; false when this id was stored before (a retried send). */
export async function appendToOutbox(redis: Redis, mail: OutboxMail): Promise<boolean> {
  return Number(await runScript(redis, OUTBOX_LUA, [outboxKeys.ids, outboxKeys.messages], [mail.id, mail.at, JSON.stringify(mail), String(OUTBOX_MAX)])) === 1;
}

/** The newest `limit` mails. */
export async function readOutbox(redis: Redis, limit: number): Promise<OutboxMail[]> {
  return decodeStoredList(outboxMailSchema, await redis.lrange(outboxKeys.messages, 0, limit - 1));
}
