import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createStockContext } from "@/lib/context";
import type { StockEvent } from "@/lib/domain/events";
import { listInflight, markDirty } from "@/lib/redis/channel-store";
import { applyEvents, readSnapshots } from "@/lib/redis/projection-store";
import { authAlertKey, shopifyAccessTokenKey } from "@/lib/redis/keys";
import { listenHttp } from "@/harness/ports";
import { flushChannels } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * F1/E1: the Admin token from the client-credentials grant expires; the app buys a new one before
 * expiry and again on a 401, shares it through Redis, holds batches (never drops them) while
 * Shopify refuses the credentials, alerts once, and never logs the secret or the token. The
 * legacy static token still works.
 */
const catalog = loadCatalog(1, 2);
const SKU = "LOAD-0-0";
let world: Awaited<ReturnType<typeof startChannelWorld>>;
const alerts: unknown[] = [];
const alertServer = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    alerts.push(JSON.parse(body));
    res.writeHead(200).end("{}");
  });
});
let logLines: string[] = [];

beforeAll(async () => {
  world = await startChannelWorld(catalog);
  process.env.ALERT_WEBHOOK_URL = `${await listenHttp(alertServer, "127.0.0.1", 0, "alerts")}/hook`;
}, 60_000);
afterAll(async () => {
  delete process.env.ALERT_WEBHOOK_URL;
  await new Promise<void>((resolve) => alertServer.close(() => resolve()));
  await world?.stop();
});
afterEach(() => vi.restoreAllMocks());

function captureRawLogs(): void {
  logLines = [];
  const keep = (...args: unknown[]) => void logLines.push(args.map(String).join(" "));
  vi.spyOn(console, "log").mockImplementation(keep);
  vi.spyOn(console, "error").mockImplementation(keep);
}

let n = 0;
async function receive(quantity: number): Promise<void> {
  const event: StockEvent = {
    id: `wms:tok-${n++}`,
    kind: "receipt",
    sku: SKU,
    locationId: "wh-east",
    quantity,
    occurredAt: "2026-11-27T09:00:00.000Z",
    source: "wms",
    sourceUri: "test://tokens",
  };
  await applyEvents(world.ctx.redis, [event]);
  const snapshot = (await readSnapshots(world.ctx.redis, [SKU])).get(SKU)!;
  await markDirty(world.ctx.redis, ["shopify"], [{ sku: SKU, version: snapshot.version }]);
}

const post = (path: string, body: unknown) =>
  fetch(`${world.shopify.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const oauthState = async () =>
  ((await (await fetch(`${world.shopify.url}/_emulator/oauth`)).json()) as { clientCredentials: { issued: number; live: number } }).clientCredentials;
const shopifyEast = async (): Promise<number> => {
  const snapshot = (await (await fetch(`${world.shopify.url}/_emulator/inventory?sku=${SKU}`)).json()) as Record<string, Record<string, { available: number }>>;
  return snapshot[SKU]!["wh-east"]!.available;
};
async function until(what: string, condition: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Shopify Admin access token (client credentials)", () => {
  it("the emulator's grant answers {access_token, scope, expires_in} and refuses a wrong secret", async () => {
    const form = (secret: string) =>
      fetch(`${world.shopify.url}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: world.env.SHOPIFY_CLIENT_ID, client_secret: secret }).toString(),
      });
    const granted = await form(world.env.SHOPIFY_CLIENT_SECRET);
    expect(granted.status).toBe(200);
    const body = (await granted.json()) as { access_token: string; scope: string; expires_in: number };
    expect(body).toMatchObject({ access_token: expect.stringMatching(/^shpat_/), expires_in: 86_399 });
    expect(body.scope).toContain("write_inventory");
    const refused = await form("wrong-secret");
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_client" });
  });

  it("a token that expires mid-run is replaced before expiry: writes keep landing, and the secret and token are never logged", async () => {
    captureRawLogs();
    expect((await post("/_emulator/oauth", { tokenLifetimeSeconds: 2 })).status).toBe(200);
    await world.ctx.redis.del(shopifyAccessTokenKey);
    const ctx = createStockContext(world.env, { redis: world.ctx.redis });
    expect(ctx.clients.shopify?.tokenKind).toBe("client_credentials");
    await receive(50); // the SKU's first sight sets the belief, well above any buffer
    await flushChannels(ctx, { maxMs: 5_000 });
    const before = (await oauthState()).issued;
    const start = await shopifyEast();
    await receive(3);
    await flushChannels(ctx, { maxMs: 5_000 });
    const second = await shopifyEast();
    expect(second).toBeGreaterThan(start);
    const firstToken = (await world.ctx.redis.get<{ token: string }>(shopifyAccessTokenKey))?.token;
    expect(firstToken).toMatch(/^shpat_/);
    // Wait until that token is dead at Shopify, then write again.
    // The shared copy expires with the token itself (its Redis TTL is the token's lifetime).
    await until("the first token to expire", async () => (await world.ctx.redis.get(shopifyAccessTokenKey)) === null, 5_000);
    await receive(2);
    await flushChannels(ctx, { maxMs: 5_000 });
    expect(await shopifyEast()).toBeGreaterThan(second);
    expect((await oauthState()).issued).toBeGreaterThanOrEqual(before + 1);
    const requests = (await (await fetch(`${world.shopify.url}/_emulator/requests?limit=50`)).json()) as { requests: { status: number }[] };
    // Refreshed before expiry: Shopify never had to refuse a token.
    expect(requests.requests.filter((r) => r.status === 401)).toEqual([]);
    const all = logLines.join("\n");
    expect(all).not.toContain(world.env.SHOPIFY_CLIENT_SECRET);
    expect(all).not.toContain(firstToken!);
    await post("/_emulator/oauth", { tokenLifetimeSeconds: 86_399 });
  }, 30_000);

  it("a 401 buys a new token and retries; refused credentials keep the batch in flight, alert once, and it lands once they work again", async () => {
    captureRawLogs();
    const ctx = createStockContext(world.env, { redis: world.ctx.redis });
    await receive(1);
    await flushChannels(ctx, { maxMs: 5_000 });
    const start = await shopifyEast();
    // Every issued token dies (an emulator restart, a revoked install): one 401, then a new token.
    await post("/_emulator/oauth", { revokeTokens: true });
    await receive(4);
    await flushChannels(ctx, { maxMs: 5_000 });
    expect(await shopifyEast()).toBe(start + 4);

    // Now the secret is rotated at Shopify and ours is stale: nothing can be written.
    await world.ctx.redis.del(authAlertKey("shopify"));
    alerts.length = 0;
    await post("/_emulator/oauth", { revokeTokens: true, clientSecret: "rotated-secret-0123456789" });
    await receive(6);
    await flushChannels(ctx, { maxMs: 1_500 });
    await flushChannels(ctx, { maxMs: 1_500 });
    expect(await shopifyEast()).toBe(start + 4);
    const held = await listInflight(world.ctx.redis, "shopify");
    expect(held).toHaveLength(1);
    expect(held[0]!.items[0]).toMatchObject({ sku: SKU });
    await until("the credentials alert", async () => alerts.length > 0);
    expect(alerts).toHaveLength(1);
    expect(JSON.stringify(alerts[0])).toContain("credentials");
    expect(logLines.join("\n")).not.toContain("rotated-secret-0123456789");

    // The secret works again: the held batch lands under its key.
    await post("/_emulator/oauth", { clientSecret: world.env.SHOPIFY_CLIENT_SECRET });
    await flushChannels(ctx, { maxMs: 5_000 });
    expect(await shopifyEast()).toBe(start + 10);
    expect(await listInflight(world.ctx.redis, "shopify")).toEqual([]);
  }, 30_000);

  it("a legacy static shpat_ token still works", async () => {
    const env: Record<string, string | undefined> = { ...world.env, SHOPIFY_ADMIN_ACCESS_TOKEN: "shpat_load_test_token" };
    const ctx = createStockContext(env, { redis: world.ctx.redis });
    expect(ctx.clients.shopify?.tokenKind).toBe("static");
    const start = await shopifyEast();
    await receive(7);
    await flushChannels(ctx, { maxMs: 5_000 });
    expect(await shopifyEast()).toBe(start + 7);
  }, 30_000);
});
