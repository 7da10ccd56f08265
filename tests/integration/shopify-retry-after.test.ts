import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createShopifyAdmin } from "@/lib/shopify/admin-client";
import { listenHttp } from "@/harness/ports";

/** Shopify's 429 says how long to wait (Retry-After, in seconds: https://shopify.dev/docs/api/usage/limits); we wait that long. */
let retryAfter = "7";
const server = http.createServer((_req, res) =>
  res.writeHead(429, { "content-type": "application/json", "retry-after": retryAfter }).end('{"errors":"Too Many Requests"}'),
);
let url: string;
beforeAll(async () => {
  url = await listenHttp(server, "127.0.0.1", 0, "429 shop");
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const admin = () =>
  createShopifyAdmin({
    SHOPIFY_STORE_DOMAIN: "retry-after.myshopify.com",
    SHOPIFY_ADMIN_ACCESS_TOKEN: "shpat_retry_after",
    SHOPIFY_ADMIN_API_URL: url,
    SHOPIFY_PLAN: "standard",
    SHOPIFY_REQUEST_TIMEOUT_MS: 5_000,
  });

describe("Admin API 429", () => {
  it("waits what Retry-After says", async () => {
    retryAfter = "7";
    expect(await admin().request("{ shop { id } }", {}, z.unknown())).toMatchObject({ kind: "retry", reason: "rate_limited", retryAfterMs: 7_000 });
  });
  it("falls back to 2 s when Retry-After is missing or not a number of seconds", async () => {
    retryAfter = "soon";
    expect(await admin().request("{ shop { id } }", {}, z.unknown())).toMatchObject({ kind: "retry", reason: "rate_limited", retryAfterMs: 2_000 });
  });
});
