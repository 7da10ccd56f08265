import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { callJson } from "@/lib/http/call-json";
import { failure, ok, retry, retryAfterMs } from "@/lib/http/call-result";
import { freePort, listenHttp } from "@/harness/ports";

/** Every outbound JSON call maps the other side's answer to a CallResult the same way. */
let server: http.Server;
let base: string;
const answers = new Map<string, { status: number; headers?: Record<string, string>; body: string; delayMs?: number }>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const answer = answers.get(req.url ?? "") ?? { status: 404, body: "no route" };
    setTimeout(() => {
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(answer.body);
    }, answer.delayMs ?? 0);
  });
  base = await listenHttp(server, "127.0.0.1", await freePort(), "scripted JSON API");
  answers.set("/ok", { status: 200, body: '{"n":3}' });
  answers.set("/empty", { status: 204, body: "" });
  answers.set("/shape", { status: 200, body: '{"n":"three"}' });
  answers.set("/html", { status: 200, body: "<html>" });
  answers.set("/429", { status: 429, headers: { "retry-after": "7" }, body: "slow down" });
  answers.set("/503", { status: 503, body: "" });
  answers.set("/400", { status: 400, body: '{"error":"bad sku"}' });
  answers.set("/401", { status: 401, body: "" });
  answers.set("/slow", { status: 200, body: '{"n":1}', delayMs: 2_000 });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const schema = z.object({ n: z.number() });
const call = (path: string, timeoutMs?: number) => callJson(new URL(path, base), { method: "GET" }, schema, timeoutMs);

describe("callJson", () => {
  it("ok with the checked body", async () => {
    expect(await call("/ok")).toEqual({ kind: "ok", data: { n: 3 } });
    expect(await callJson(new URL("/empty", base), { method: "POST" }, z.null())).toEqual({ kind: "ok", data: null });
  });

  it("429 honours Retry-After; 5xx, a refused connection and a timeout are retries", async () => {
    expect(await call("/429")).toEqual({ kind: "retry", reason: "rate_limited", retryAfterMs: 7_000 });
    expect(await call("/503")).toEqual({ kind: "retry", reason: "unavailable", retryAfterMs: 1_000 });
    expect(await callJson(new URL(`http://127.0.0.1:${await freePort()}/x`), {}, schema)).toEqual({
      kind: "retry",
      reason: "unavailable",
      retryAfterMs: 1_000,
    });
    expect(await call("/slow", 200)).toEqual({ kind: "retry", reason: "unavailable", retryAfterMs: 1_000 });
  });

  it("another 4xx is an error with its status and the start of the body", async () => {
    expect(await call("/400")).toEqual({ kind: "error", message: '{"error":"bad sku"}', status: 400 });
    expect(await call("/401")).toEqual({ kind: "error", message: "HTTP 401", status: 401 });
  });

  it("a 2xx that is not JSON, or not the expected shape, is an error naming it", async () => {
    expect(await call("/html")).toEqual({ kind: "error", message: "unexpected response shape: not JSON", status: 200 });
    expect(await call("/shape")).toEqual({ kind: "error", message: "unexpected response shape: n", status: 200 });
  });
});

describe("call-result helpers", () => {
  it("build the three kinds and read Retry-After", () => {
    expect(ok(1)).toEqual({ kind: "ok", data: 1 });
    expect(retry("throttled", 5)).toEqual({ kind: "retry", reason: "throttled", retryAfterMs: 5 });
    expect(failure("no")).toEqual({ kind: "error", message: "no" });
    expect(failure("no", 409)).toEqual({ kind: "error", message: "no", status: 409 });
    expect([retryAfterMs("3"), retryAfterMs(null), retryAfterMs("0"), retryAfterMs("abc")]).toEqual([3_000, 1_000, 1_000, 1_000]);
  });
});
