import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { appendToOutbox } from "./outbox-store";
import type { RenderedEmail } from "./apology-email";

/**
 * Where email goes. `EMAIL_TRANSPORT=http`: a provider's HTTP API (Resend-style
 * `POST {from,to,subject,html,text}` with `Authorization: Bearer EMAIL_API_KEY` and an
 * `Idempotency-Key`, so a retry never sends twice). Default `outbox`: captured in Redis and
 * shown on /ops (local stack, tests, staging).
 */
const envSchema = z.object({
  EMAIL_TRANSPORT: z.enum(["outbox", "http"]).default("outbox"),
  EMAIL_API_URL: z.url().optional(),
  EMAIL_API_KEY: z.string().optional(),
  EMAIL_FROM: z.string().default("Northwind Outfitters <care@northwind.example>"),
});

export type SendResult = { sent: true; transport: "outbox" | "http"; duplicate: boolean } | { sent: false; error: string };

/** `messageId` is stable per email: sending it again is a no-op. */
export async function sendEmail(redis: Redis, messageId: string, email: RenderedEmail, now = new Date()): Promise<SendResult> {
  const env = envSchema.parse(process.env);
  if (env.EMAIL_TRANSPORT === "http") {
    if (!env.EMAIL_API_URL || !env.EMAIL_API_KEY) return { sent: false, error: "EMAIL_API_URL and EMAIL_API_KEY are required for EMAIL_TRANSPORT=http" };
    const response = await fetch(env.EMAIL_API_URL, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${env.EMAIL_API_KEY}`, "idempotency-key": messageId },
      body: JSON.stringify({ from: env.EMAIL_FROM, to: [email.to], subject: email.subject, html: email.html, text: email.text }),
    }).catch((error: unknown) => error as Error);
    if (response instanceof Error) return { sent: false, error: response.message };
    return response.ok ? { sent: true, transport: "http", duplicate: false } : { sent: false, error: `email provider answered ${response.status}` };
  }
  const first = await appendToOutbox(redis, { id: messageId, at: now.toISOString(), from: env.EMAIL_FROM, ...email });
  return { sent: true, transport: "outbox", duplicate: !first };
}
