import { stack } from "./stack-client";

/** Run the drain route until the intake backlog is empty (as the cron would, only sooner). */
export async function drainAll(appUrl = stack().appUrl, cronSecret = stack().secrets.cronSecret, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${appUrl}/api/worker/drain`, { headers: { authorization: `Bearer ${cronSecret}` } }).catch(() => null);
    if (response?.ok && ((await response.json()) as { backlog: number }).backlog === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the intake backlog did not empty");
}
