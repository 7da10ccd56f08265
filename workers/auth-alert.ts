import type { Redis } from "@upstash/redis";
import { errorMessage, log } from "@/lib/log";
import { authAlertKey } from "@/lib/redis/keys";
import { sendAlert } from "./alerts";

/**
 * A channel refuses our credentials (Shopify 401 after a fresh token, or 403): writes stay in
 * flight and are retried, and a human is told once. The Redis marker (1 h) keeps it to one
 * alert per channel per hour across retries and instances.
 */
export const AUTH_ALERT_TTL_S = 3_600;

export async function alertCredentialsRefused(redis: Redis, channel: string, batchKey: string): Promise<boolean> {
  const first = await redis.set(authAlertKey(channel), String(Date.now()), { nx: true, ex: AUTH_ALERT_TTL_S });
  if (first === null) return false;
  log.error("channel.credentials_refused", { channel, key: batchKey });
  try {
    await sendAlert({
      kind: "credentials",
      severity: "critical",
      dedupKey: `credentials:${channel}`,
      summary: `${channel} refuses the stock layer's credentials: writes are held until they work again`,
      details: { channel, heldBatch: batchKey },
    });
  } catch (error) {
    log.error("alert.failed", { kind: "credentials", error: errorMessage(error) });
  }
  return true;
}
