import { inject } from "vitest";
import { signBody } from "@/lib/http/hmac";
import { createRedis } from "@/lib/redis/client";
import type { StockResponse } from "@/lib/stock/stock-view";
import { readStack, type TestStack } from "../../harness/test-stack-info";

/** Helpers for tests that talk to the running stack exactly as outside systems would. */
let cached: TestStack | undefined;
export const stack = (): TestStack => (cached ??= readStack(inject("stackDir")));

export const testRedis = () => createRedis(stack().redisRestUrl, stack().redisRestToken);

/** A SKU no other test uses, so test files can run in parallel against one stack. */
export const uniqueSku = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`.toUpperCase();

export async function postSigned(path: string, body: unknown, secret: string, headers: Record<string, string> = {}, signatureHeader = "x-signature-sha256") {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(`${stack().appUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", [signatureHeader]: signBody(raw, secret), ...headers },
    body: raw,
  });
}

export const postWms = (body: unknown) => postSigned("/api/webhooks/wms", body, stack().secrets.wmsWebhookSecret);

export async function getStock(...skus: string[]): Promise<StockResponse> {
  const response = await fetch(`${stack().appUrl}/api/stock?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}`);
  if (!response.ok) throw new Error(`GET /api/stock → ${response.status}: ${await response.text()}`);
  return (await response.json()) as StockResponse;
}

/**
 * How long a test waits for something that must happen (a delivery applied, a badge refreshed):
 * generous, because a loaded 2-core box is slow; how fast it happens is for the benchmarks.
 */
export const SETTLE_MS = 20_000;

/** Polls until `check` passes or `timeoutMs` runs out; returns the last value for assertions. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await read();
  }
  return value;
}

let counter = 0;
export const wmsEvent = (sku: string, type: string, quantity: number, extra: Record<string, unknown> = {}) => ({
  id: `t-${Date.now().toString(36)}-${counter++}-${Math.random().toString(36).slice(2, 8)}`,
  type,
  sku,
  locationId: "wh-east",
  quantity,
  occurredAt: new Date().toISOString(),
  ...extra,
});
