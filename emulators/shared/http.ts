import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { z } from "zod";
import { HttpError } from "../../harness/http-error";
import { listenHttp } from "../../harness/ports";
import { errorMessage, log } from "../../lib/log";

/**
 * A tiny JSON router for the emulators: exact-path or `:param` routes, zod-validated bodies
 * (400 naming the field), one JSON error shape. Emulators are servers like the real systems,
 * so they speak plain HTTP on loopback.
 */

/** Handlers throw it for their status; the class is shared with the Upstash-REST bridge. */
export { HttpError };

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The raw body (read once, on demand). */
  rawBody(): Promise<Buffer>;
  /** The body parsed as JSON and validated. */
  json<T extends z.ZodType>(schema: T): Promise<z.infer<T>>;
}

/** A handler returns a JSON-able value (sent with 200) or writes the response itself and returns `undefined`. */
export type Handler = (ctx: RouteContext) => Promise<unknown> | unknown;
export type Routes = Record<string, Handler>;

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, "body too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function holdResponseUntil(res: ServerResponse, before: () => void): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    try {
      before();
    } catch (error) {
      log.error("emulator.state_save_failed", { error: errorMessage(error) });
      res.destroy();
      return res;
    }
    return writeHead(...args);
  }) as ServerResponse["writeHead"];
}

function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split("/");
  const b = path.split("/");
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const seg = a[i] ?? "";
    if (seg.startsWith(":")) params[seg.slice(1)] = decodeURIComponent(b[i] ?? "");
    else if (seg !== b[i]) return null;
  }
  return params;
}

/**
 * Route keys are `"METHOD /path/:param"`. `beforeRespond` runs before any response to a request
 * that may change state (not GET/HEAD) is written: the emulator's state file is saved there, so
 * nothing a client was told happened can be lost by a crash. If it throws, the connection is
 * dropped unanswered (the client retries, as it would after a real outage).
 */
export async function startJsonServer(opts: {
  name: string;
  port: number;
  host?: string;
  routes: Routes;
  beforeRespond?: () => void;
}): Promise<{ url: string; server: http.Server; stop(): Promise<void> }> {
  const entries = Object.entries(opts.routes).map(([key, handler]) => {
    const [method = "GET", pattern = "/"] = key.split(" ");
    return { method, pattern, handler };
  });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    if (opts.beforeRespond && req.method !== "GET" && req.method !== "HEAD") holdResponseUntil(res, opts.beforeRespond);
    let body: Promise<Buffer> | undefined;
    const rawBody = () => (body ??= readBody(req));
    try {
      const route = entries.map((e) => ({ ...e, params: e.method === req.method ? match(e.pattern, url.pathname) : null })).find((e) => e.params !== null);
      if (!route || !route.params) throw new HttpError(404, `no route ${req.method} ${url.pathname}`);
      const ctx: RouteContext = {
        req,
        res,
        params: route.params,
        query: url.searchParams,
        rawBody,
        json: async (schema) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse((await rawBody()).toString("utf8") || "null");
          } catch {
            throw new HttpError(400, "body is not valid JSON");
          }
          const result = schema.safeParse(parsed);
          if (!result.success) {
            const issue = result.error.issues[0];
            throw new HttpError(400, `${issue?.path.join(".") || "(body)"}: ${issue?.message ?? "invalid"}`);
          }
          return result.data;
        },
      };
      const result = await route.handler(ctx);
      if (result !== undefined) sendJson(res, 200, result);
    } catch (error) {
      if (error instanceof HttpError) sendJson(res, error.status, { error: error.message }, error.headers);
      else sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  server.keepAliveTimeout = 65_000;
  const url = await listenHttp(server, opts.host ?? "127.0.0.1", opts.port, opts.name);
  return {
    url,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
