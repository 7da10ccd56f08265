import type { z } from "zod";
import { failure, ok, retry, retryAfterMs, type CallResult } from "./call-result";

/**
 * One HTTP call to a JSON API, mapped to a CallResult the same way for every system we call:
 * network failure, timeout, 429 and 5xx → retry (429 honours Retry-After); another 4xx → error
 * with its status and the start of the body; a 2xx whose body does not match `schema` → error.
 */
export async function callJson<T>(url: URL, init: RequestInit, schema: z.ZodType<T>, timeoutMs = 10_000): Promise<CallResult<T>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), headers: { "content-type": "application/json", ...init.headers } });
    text = await response.text();
  } catch {
    return retry("unavailable", 1_000);
  }
  if (response.status === 429) return retry("rate_limited", retryAfterMs(response.headers.get("retry-after")));
  if (response.status >= 500) return retry("unavailable", retryAfterMs(response.headers.get("retry-after")));
  if (!response.ok) return failure(text.slice(0, 300) || `HTTP ${response.status}`, response.status);
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    return failure("unexpected response shape: not JSON", response.status);
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? ok(parsed.data) : failure(`unexpected response shape: ${parsed.error.issues[0]?.path.join(".") ?? ""}`, response.status);
}
