import { z } from "zod";
import { log } from "@/lib/log";

/**
 * The one way out to a human: a POST to `ALERT_WEBHOOK_URL` in PagerDuty Events v2 shape
 * (`ALERT_WEBHOOK_FORMAT=pagerduty`, routing key in `ALERT_ROUTING_KEY`) or a
 * Slack-compatible `{text}` (default). Without a URL, alerts live in logs and on /ops.
 */
const envSchema = z.object({
  ALERT_WEBHOOK_URL: z.url().optional(),
  ALERT_WEBHOOK_FORMAT: z.enum(["slack", "pagerduty"]).default("slack"),
  ALERT_ROUTING_KEY: z.string().default(""),
});

export interface Alert {
  kind: "drift" | "oversell_escalation" | "credentials";
  summary: string;
  /** Stable id for deduplication at the receiver (PagerDuty `dedup_key`). */
  dedupKey?: string;
  severity?: "critical" | "error" | "warning" | "info";
  details: unknown;
}

export function alertBody(alert: Alert, format: "slack" | "pagerduty", routingKey: string): unknown {
  if (format === "pagerduty")
    return {
      routing_key: routingKey,
      event_action: "trigger",
      ...(alert.dedupKey ? { dedup_key: alert.dedupKey } : {}),
      payload: { summary: alert.summary, source: "stock-layer", severity: alert.severity ?? "warning", component: alert.kind, custom_details: alert.details },
    };
  return {
    text: `:rotating_light: ${alert.summary}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `*${alert.summary}*\n\`\`\`${JSON.stringify(alert.details, null, 1).slice(0, 2_500)}\`\`\`` } }],
  };
}

/** Resolves when delivered (2xx) or when no webhook is configured; throws on a failed delivery. */
export async function sendAlert(alert: Alert): Promise<boolean> {
  const env = envSchema.parse(process.env);
  if (!env.ALERT_WEBHOOK_URL) return false;
  const response = await fetch(env.ALERT_WEBHOOK_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alertBody(alert, env.ALERT_WEBHOOK_FORMAT, env.ALERT_ROUTING_KEY)),
  });
  if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
  log.info("alert.sent", { kind: alert.kind, format: env.ALERT_WEBHOOK_FORMAT });
  return true;
}
