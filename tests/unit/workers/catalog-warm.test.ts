import http from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listenHttp } from "@/harness/ports";
import { applyCatalogChange } from "@/workers/shell-revalidation";
import { captureLogs, eventsNamed, type LogLine } from "../../support/worker-world";

/**
 * workers/shell-revalidation.ts: a product change purges exactly its tags, then (after the response) asks
 * each page until it has been served STALE once and then fresh. The storefront is a loopback
 * server here that answers `x-nextjs-cache` from a script per path.
 */
const hooks = vi.hoisted(() => ({ after: [] as (() => unknown)[], revalidated: [] as [string, string | undefined][] }));
vi.mock("next/server", () => ({ after: (task: () => unknown) => void hooks.after.push(task) }));
vi.mock("next/cache", () => ({ revalidateTag: (tag: string, profile?: string) => void hooks.revalidated.push([tag, profile]) }));

/** Per path: the cache states to answer in turn (the last one repeats); "reset" drops the connection. */
const script = new Map<string, (string | null)[]>();
const seen: { path: string; warm: string | undefined }[] = [];
const server = http.createServer((req, res) => {
  const path = req.url ?? "/";
  seen.push({ path, warm: req.headers["x-stock-layer-warm"] as string | undefined });
  const states = script.get(path) ?? [null];
  const state = states.length > 1 ? states.shift()! : states[0]!;
  if (state === "reset") return void req.socket.destroy();
  res.writeHead(200, state === null ? {} : { "x-nextjs-cache": state }).end("<html></html>");
});
let origin: string;
let logs: LogLine[];

beforeAll(async () => {
  origin = await listenHttp(server, "127.0.0.1", 0, "storefront stand-in");
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  hooks.after.length = 0;
  hooks.revalidated.length = 0;
  script.clear();
  seen.length = 0;
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("applyCatalogChange", () => {
  it("purges the product's tags (stale-while-revalidate), logs them, and warms its page and the home page after the response", async () => {
    const tags = applyCatalogChange({ topic: "products/update", productId: "632910392", handle: "linen-shirt" }, origin);
    expect(tags).toEqual(["product:632910392", "product-handle:linen-shirt"]);
    expect(hooks.revalidated).toEqual([
      ["product:632910392", "max"],
      ["product-handle:linen-shirt", "max"],
    ]);
    expect(eventsNamed(logs, "catalog.revalidated")).toEqual([
      expect.objectContaining({ level: "info", topic: "products/update", productId: "632910392", handle: "linen-shirt", tags }),
    ]);
    // Nothing is fetched before the response has gone out.
    expect(seen).toEqual([]);
    expect(hooks.after).toHaveLength(1);

    // The PDP: still fresh at first (the purge lands just after), then STALE (re-render starts), then fresh.
    script.set("/products/linen-shirt", ["HIT", "STALE", "STALE", "HIT"]);
    script.set("/", ["STALE", "HIT"]);
    await hooks.after[0]!();
    expect(seen.map((s) => s.path)).toEqual(["/products/linen-shirt", "/products/linen-shirt", "/products/linen-shirt", "/products/linen-shirt", "/", "/"]);
    expect(seen.every((s) => s.warm === "1")).toBe(true);
    expect(eventsNamed(logs, "catalog.warmed")).toEqual([
      expect.objectContaining({ path: "/products/linen-shirt", cache: "HIT", attempts: 4, fresh: true }),
      expect.objectContaining({ path: "/", cache: "HIT", attempts: 2, fresh: true }),
    ]);
  });

  it("a page that never shows STALE is asked 30 times, then given up on (logged as not fresh)", async () => {
    const tags = applyCatalogChange({ topic: "products/delete", productId: "77", handle: null }, origin);
    expect(tags).toEqual(["product:77"]);
    script.set("/", [null]);
    const started = Date.now();
    await hooks.after[0]!();
    // With 100 ms between asks (timers never fire early).
    expect(Date.now() - started).toBeGreaterThanOrEqual(29 * 100 - 50);
    expect(seen.map((s) => s.path)).toEqual(Array.from({ length: 30 }, () => "/"));
    expect(eventsNamed(logs, "catalog.warmed")).toEqual([expect.objectContaining({ path: "/", cache: null, attempts: 30, fresh: false })]);
  }, 20_000);

  it("a page stuck STALE (the re-render never lands) is given up on after 30 asks, logged as not fresh", async () => {
    applyCatalogChange({ topic: "products/delete", productId: "78", handle: null }, origin);
    script.set("/", ["HIT", "STALE"]);
    await hooks.after[0]!();
    expect(seen).toHaveLength(30);
    expect(eventsNamed(logs, "catalog.warmed")).toEqual([expect.objectContaining({ path: "/", cache: "STALE", attempts: 30, fresh: false })]);
  }, 20_000);

  it("a page that cannot be fetched is logged and skipped; the next page is still warmed", async () => {
    applyCatalogChange({ topic: "products/create", productId: "5", handle: "new-thing" }, origin);
    expect(hooks.revalidated).toEqual([
      ["catalog", "max"],
      ["product-handle:new-thing", "max"],
    ]);
    script.set("/products/new-thing", ["reset"]);
    script.set("/", ["STALE", "MISS"]);
    await hooks.after[0]!();
    expect(eventsNamed(logs, "catalog.warm_failed")).toEqual([
      expect.objectContaining({ level: "warn", path: "/products/new-thing", error: expect.any(String) }),
    ]);
    expect(eventsNamed(logs, "catalog.warmed")).toEqual([expect.objectContaining({ path: "/", cache: "MISS", attempts: 2, fresh: true })]);
  });
});
