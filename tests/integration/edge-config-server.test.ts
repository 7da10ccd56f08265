import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient, parseConnectionString, type EdgeConfigClient } from "@vercel/edge-config";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { policySchema, type Policy } from "@/lib/config/policy";
import { LOCAL_EDGE_CONFIG_ID, startEdgeConfigServer, type EdgeConfigServerHandle } from "@/harness/edge-config-server";
import { freePort } from "@/harness/ports";

/**
 * The local Edge Config server, read through the real `@vercel/edge-config` client (1.5.x) and
 * with raw fetch for the wire details.
 *
 * Client-side caching and how these tests deal with it:
 *  - dev-mode SWR cache (only when NODE_ENV=development at createClient): turned off with
 *    `disableDevelopmentCache: true`; one test turns it on on purpose to pin its behaviour.
 *  - stale-if-error (default one week: a 5xx or network error answers with the last body):
 *    turned off with `staleIfError: false` so errors surface; one test pins the default.
 *  - the ETag cache cannot be turned off, but it always revalidates (If-None-Match → 304), so it
 *    never hides a change; the rewrite tests go through it.
 */
const root = path.resolve(import.meta.dirname, "..", "..");
const TOKEN = `ec-${randomBytes(12).toString("hex")}`;
const FRESH = { disableDevelopmentCache: true, staleIfError: false, cache: "no-store" } as const;
const basePolicy: Policy = policySchema.parse(JSON.parse(readFileSync(path.join(root, "scripts", "stack", "edge-config.json"), "utf8")));
const ITEM_KEYS = ["channels", "drift", "escalation", "locations", "lowStockThreshold", "shopifyOrders", "storefront", "version"];
const WAIT = { timeout: 5_000, interval: 25 };

let dir: string;
const fixtures: Fixture[] = [];

interface Fixture {
  server: EdgeConfigServerHandle;
  file: string;
  client: EdgeConfigClient;
  write(content: Policy | string): void;
}

async function fixture(policy: Policy | string = basePolicy): Promise<Fixture> {
  const file = path.join(mkdtempSync(path.join(dir, "cfg-")), "edge-config.json");
  const write = (content: Policy | string) => writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  write(policy);
  const server = await startEdgeConfigServer({ port: await freePort(), token: TOKEN, file });
  const made: Fixture = { server, file, client: createClient(server.connectionString, FRESH), write };
  fixtures.push(made);
  return made;
}

const withChanges = (changes: Partial<Policy>): Policy => ({ ...structuredClone(basePolicy), ...changes });

async function raw(url: string, init: { method?: string; headers?: Record<string, string>; token?: string | null } = {}) {
  const auth: Record<string, string> = init.token === null ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` };
  const response = await fetch(url, { method: init.method ?? "GET", headers: { ...auth, ...init.headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** JSON log lines a spied console method printed. */
const logged = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.flatMap((args) => {
    try {
      return [JSON.parse(String(args[0])) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

let main: Fixture;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "edge-config-server-"));
  main = await fixture();
  base = `${main.server.url}/${LOCAL_EDGE_CONFIG_ID}`;
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

afterAll(async () => {
  for (const f of fixtures) await f.server.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the real @vercel/edge-config client", () => {
  it("parses the connection string as an external Edge Config on this server", () => {
    expect(parseConnectionString(main.server.connectionString)).toEqual({
      type: "external",
      baseUrl: base,
      id: LOCAL_EDGE_CONFIG_ID,
      token: TOKEN,
      version: "1",
    });
  });

  it("get() returns every item as in the file", async () => {
    expect(Object.keys(basePolicy).sort()).toEqual(ITEM_KEYS);
    for (const key of ITEM_KEYS) {
      expect(await main.client.get(key), key).toEqual(basePolicy[key as keyof Policy]);
    }
    expect(await main.client.get("lowStockThreshold")).toBe(5);
    expect(await main.client.get("storefront")).toEqual({ channel: "shopify", refreshMs: 3000 });
  });

  it("get() of a missing key is undefined, not an error", async () => {
    await expect(main.client.get("noSuchItem")).resolves.toBeUndefined();
    // Twice: the second read goes through the client's ETag cache path as well.
    await expect(main.client.get("noSuchItem")).resolves.toBeUndefined();
  });

  it("has() is true for each item and false for a missing one", async () => {
    for (const key of ITEM_KEYS) expect(await main.client.has(key), key).toBe(true);
    expect(await main.client.has("noSuchItem")).toBe(false);
  });

  it("getAll() returns the whole policy; getAll(keys) only the existing ones asked for", async () => {
    const all = await main.client.getAll();
    expect(all).toEqual(basePolicy);
    expect(policySchema.parse(all)).toEqual(basePolicy);
    expect(await main.client.getAll(["drift", "escalation", "noSuchItem"])).toStrictEqual({
      drift: basePolicy.drift,
      escalation: basePolicy.escalation,
    });
    expect(await main.client.getAll(["version"])).toStrictEqual({ version: 1 });
  });

  it("digest() is the server's content hash, also sent as x-edge-config-digest", async () => {
    const digest = await main.client.digest();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    const response = await raw(`${base}/digest?version=1`);
    expect(JSON.parse(response.text)).toBe(digest);
    expect(response.headers.get("x-edge-config-digest")).toBe(digest);
    expect((await raw(`${base}/items?version=1`)).headers.get("x-edge-config-digest")).toBe(digest);
  });

  it("the default get() reads through the server when EDGE_CONFIG holds the connection string", async () => {
    vi.stubEnv("EDGE_CONFIG", main.server.connectionString);
    // The default client reads EDGE_CONFIG once, on its first use (nothing else here uses it).
    const edgeConfig = await import("@vercel/edge-config");
    expect(await edgeConfig.get("drift")).toEqual({ threshold: 3, autoCorrectLimit: 25, graceMs: 120_000 });
    expect(await edgeConfig.has("noSuchItem")).toBe(false);
  });

  it("a wrong token makes every call throw", async () => {
    const wrong = createClient(main.server.connectionString.replace(TOKEN, `${TOKEN}x`), FRESH);
    await expect(wrong.get("drift")).rejects.toThrow("@vercel/edge-config: Unauthorized");
    await expect(wrong.has("drift")).rejects.toThrow("@vercel/edge-config: Unauthorized");
    await expect(wrong.getAll()).rejects.toThrow("@vercel/edge-config: Unauthorized");
    // digest() has no 401 branch in the client: it surfaces as an unexpected status.
    await expect(wrong.digest()).rejects.toThrow("status code 401");
  });

  it("an unknown Edge Config id throws 'not found' (404 without the digest header)", async () => {
    const other = createClient(`${main.server.url}/ecfg_other?token=${TOKEN}`, FRESH);
    await expect(other.get("drift")).rejects.toThrow("@vercel/edge-config: Edge Config not found");
    await expect(other.has("drift")).rejects.toThrow("@vercel/edge-config: Edge Config not found");
  });
});

describe("wire format (raw fetch)", () => {
  it("401 without, with a wrong, or with a truncated Bearer token", async () => {
    for (const token of [null, "nope", TOKEN.slice(0, -1)]) {
      const response = await raw(`${base}/item/drift?version=1`, { token });
      expect(response.status, String(token)).toBe(401);
      expect(response.text).not.toContain("threshold");
    }
    const basic = await raw(`${base}/item/drift?version=1`, { token: null, headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    expect((await raw(`${base}/item/drift?version=1`)).status).toBe(200);
  });

  it("200 with JSON, ETag and digest; 304 on If-None-Match; 200 again for a stale tag", async () => {
    const first = await raw(`${base}/item/escalation?version=1`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(first.text)).toEqual({ orderValueCents: 50000 });
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("x-edge-config-digest")).toBe(await main.client.digest());

    const again = await raw(`${base}/item/escalation?version=1`, { headers: { "if-none-match": etag ?? "" } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("x-edge-config-digest")).toBe(first.headers.get("x-edge-config-digest"));
    expect((await raw(`${base}/item/escalation?version=1`, { headers: { "if-none-match": `W/${etag ?? ""}` } })).status).toBe(304);

    const stale = await raw(`${base}/item/escalation?version=1`, { headers: { "if-none-match": '"0000"' } });
    expect(stale.status).toBe(200);
    expect(JSON.parse(stale.text)).toEqual({ orderValueCents: 50000 });
    // A different resource has its own tag.
    expect((await raw(`${base}/items?version=1`, { headers: { "if-none-match": etag ?? "" } })).status).toBe(200);
  });

  it("404 for a missing item carries x-edge-config-digest; an unknown path does not", async () => {
    const missing = await raw(`${base}/item/noSuchItem?version=1`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-edge-config-digest")).toMatch(/^[0-9a-f]{64}$/);
    const missingHead = await raw(`${base}/item/noSuchItem?version=1`, { method: "HEAD" });
    expect(missingHead.status).toBe(404);
    expect(missingHead.headers.get("x-edge-config-digest")).toMatch(/^[0-9a-f]{64}$/);

    for (const url of [`${main.server.url}/ecfg_other/item/drift?version=1`, `${base}/nowhere?version=1`, `${main.server.url}//item/drift?version=1`]) {
      const response = await raw(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get("x-edge-config-digest"), url).toBeNull();
    }
  });

  it("HEAD answers without a body; items filter by repeated key params; unprefixed paths work", async () => {
    const head = await raw(`${base}/item/drift?version=1`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    const filtered = await raw(`${base}/items?version=1&key=drift&key=version&key=noSuchItem`);
    expect(JSON.parse(filtered.text)).toStrictEqual({ drift: basePolicy.drift, version: 1 });
    const bare = await raw(`${main.server.url}/item/lowStockThreshold?version=1`);
    expect(bare.status).toBe(200);
    expect(JSON.parse(bare.text)).toBe(5);
  });

  it("400 without version=1, 405 for writes", async () => {
    expect((await raw(`${base}/item/drift`)).status).toBe(400);
    expect((await raw(`${base}/item/drift?version=2`)).status).toBe(400);
    const post = await raw(`${base}/items?version=1`, { method: "PATCH" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("reloading the file", () => {
  it("a rewrite is picked up by the watcher: new digest, new items", async () => {
    const f = await fixture();
    const before = await f.client.digest();
    expect(await f.client.get("lowStockThreshold")).toBe(5); // primes the client's ETag cache
    f.write(withChanges({ lowStockThreshold: 7, drift: { threshold: 4, autoCorrectLimit: 25, graceMs: 120_000 } }));

    await vi.waitFor(async () => expect(await f.client.digest()).not.toBe(before), WAIT);
    expect(await f.client.get("lowStockThreshold")).toBe(7);
    expect(await f.client.get("drift")).toEqual({ threshold: 4, autoCorrectLimit: 25, graceMs: 120_000 });
    expect(await f.client.getAll()).toEqual(withChanges({ lowStockThreshold: 7, drift: { threshold: 4, autoCorrectLimit: 25, graceMs: 120_000 } }));
    expect(await f.client.get("escalation")).toEqual(basePolicy.escalation);
  });

  it("the digest changes iff the content changes (formatting and key order do not count)", async () => {
    const f = await fixture();
    const before = await f.client.digest();
    // Same content: keys reversed at every level, no indentation.
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const reshuffled = JSON.stringify(reversed(basePolicy));
    expect(reshuffled).not.toBe(JSON.stringify(basePolicy));
    f.write(reshuffled);
    await f.server.reload();
    expect(await f.client.digest()).toBe(before);

    f.write(withChanges({ escalation: { orderValueCents: 50001 } }));
    await f.server.reload();
    const after = await f.client.digest();
    expect(after).not.toBe(before);
    expect(await f.client.get("escalation")).toEqual({ orderValueCents: 50001 });

    f.write(basePolicy);
    await f.server.reload();
    expect(await f.client.digest()).toBe(before);
  });

  it("an invalid edit keeps the last good policy, logs the bad field once, and recovers", async () => {
    const f = await fixture();
    const good = await f.client.getAll();
    const digest = await f.client.digest();
    const errors = vi.spyOn(console, "error");
    const infos = vi.spyOn(console, "log");

    const bad = withChanges({});
    (bad.channels.shopify as { defaultBuffer: number }).defaultBuffer = -1;
    f.write(bad);
    await vi.waitFor(() => {
      const failures = logged(errors).filter((line) => line.event === "edge_config.reload_failed");
      expect(failures).toHaveLength(1);
      expect(String(failures[0]?.error)).toContain("channels.shopify.defaultBuffer");
      expect(failures[0]?.serving).toBe(digest);
    }, WAIT);
    expect(await f.client.getAll()).toEqual(good);
    expect(await f.client.digest()).toBe(digest);
    expect(await f.client.get("channels")).toEqual(basePolicy.channels);
    await expect(f.server.reload()).rejects.toThrow(/invalid: channels\.shopify\.defaultBuffer: /);
    // The same bad content re-read (poll, explicit reload) is not logged again.
    expect(logged(errors).filter((line) => line.event === "edge_config.reload_failed")).toHaveLength(1);

    f.write("{ not json");
    await expect(f.server.reload()).rejects.toThrow("is not valid JSON");
    expect(await f.client.get("lowStockThreshold")).toBe(5);

    f.write(withChanges({ lowStockThreshold: 9 }));
    await vi.waitFor(async () => expect(await f.client.get("lowStockThreshold")).toBe(9), WAIT);
    const updated = logged(infos).filter((line) => line.event === "edge_config.updated");
    expect(updated.at(-1)).toMatchObject({ previous: digest, recovered: true });
  });

  it("start refuses an invalid or missing file with a one-line error naming the problem", async () => {
    const file = path.join(mkdtempSync(path.join(dir, "bad-")), "edge-config.json");
    writeFileSync(file, JSON.stringify({ ...basePolicy, storefront: { channel: "tiktok", refreshMs: 3000 } }));
    const error = await startEdgeConfigServer({ port: await freePort(), token: TOKEN, file }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(/invalid: storefront\.channel: /);
    expect(message).not.toContain("\n");

    await expect(startEdgeConfigServer({ port: await freePort(), token: TOKEN, file: `${file}.missing` })).rejects.toThrow(
      /cannot read edge config file .*ENOENT/,
    );
  });
});

describe("client caching modes (pinned so the app's setup is known to work)", () => {
  it("dev mode (NODE_ENV=development): reads are stale-while-revalidate, one stale read after a change", async () => {
    const f = await fixture();
    vi.stubEnv("NODE_ENV", "development");
    const dev = createClient(f.server.connectionString, { staleIfError: false }); // decides dev mode at creation
    const devOff = createClient(f.server.connectionString, { staleIfError: false, disableDevelopmentCache: true });
    vi.unstubAllEnvs();

    expect(await dev.get("lowStockThreshold")).toBe(5);
    // In dev mode digest() comes from the x-edge-config-digest header of GET /items.
    const before = await dev.digest();
    expect(before).toBe(await f.client.digest());

    f.write(withChanges({ lowStockThreshold: 11 }));
    await vi.waitFor(async () => expect(await f.client.get("lowStockThreshold")).toBe(11), WAIT);
    expect(await devOff.get("lowStockThreshold")).toBe(11);
    expect(await dev.get("lowStockThreshold")).toBe(5); // served from memory while it refetches
    await vi.waitFor(async () => expect(await dev.get("lowStockThreshold")).toBe(11), WAIT);
    expect(await dev.digest()).not.toBe(before);
  });

  it("staleIfError: with the server gone a default client returns the last body; any options object drops that", async () => {
    const f = await fixture();
    expect(process.env.NODE_ENV).not.toBe("development"); // else the default client would use the dev cache
    const lenient = createClient(f.server.connectionString); // no options: { staleIfError: 604800, cache: "no-store" }
    // Passing an options object replaces those defaults wholesale, so staleIfError is then off.
    const strict = createClient(f.server.connectionString, { disableDevelopmentCache: true });
    expect(await lenient.get("drift")).toEqual(basePolicy.drift);
    expect(await strict.get("drift")).toEqual(basePolicy.drift);
    await f.server.stop();
    expect(await lenient.get("drift")).toEqual(basePolicy.drift);
    await expect(strict.get("drift")).rejects.toThrow("fetch failed");
    await expect(f.client.get("drift")).rejects.toThrow("fetch failed");
    await expect(lenient.get("escalation")).rejects.toThrow("fetch failed"); // never read, so nothing stale to return
  });
});

describe("CLI", () => {
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  const script = path.join(root, "harness", "edge-config-server.ts");

  it("serves EDGE_CONFIG_FILE on EDGE_CONFIG_PORT with EDGE_CONFIG_TOKEN and stops on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(tsx, [script], {
      cwd: root,
      env: { ...process.env, EDGE_CONFIG_FILE: main.file, EDGE_CONFIG_TOKEN: TOKEN, EDGE_CONFIG_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split("\n").find((l) => l.includes('"edge_config.started"'));
          if (line) resolve(JSON.parse(line) as Record<string, unknown>);
        });
        void exited.then((code) => reject(new Error(`CLI exited early with ${code}`)));
      });
      expect(started.url).toBe(`http://127.0.0.1:${port}`);
      expect(JSON.stringify(started)).not.toContain(TOKEN);
      const client = createClient(`http://127.0.0.1:${port}/${LOCAL_EDGE_CONFIG_ID}?token=${TOKEN}`, FRESH);
      expect(await client.get("lowStockThreshold")).toBe(5);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("exits 1 with a one-line reason when EDGE_CONFIG_TOKEN is missing", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, EDGE_CONFIG_FILE: main.file, EDGE_CONFIG_PORT: String(await freePort()) };
    delete env.EDGE_CONFIG_TOKEN;
    const child = spawn(tsx, [script], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toContain("edge_config.bad_env");
    expect(err).toContain("EDGE_CONFIG_TOKEN");
  });
});
