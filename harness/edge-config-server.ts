/**
 * A local stand-in for Vercel Edge Config's read API, serving one JSON file (validated with
 * `policySchema`, one top-level key per item) in the wire format `@vercel/edge-config` 1.5.x
 * uses for an "external" connection string such as `http://127.0.0.1:8078/ecfg_local?token=…`.
 * The client derives `baseUrl = http://127.0.0.1:8078/ecfg_local` and sends, with
 * `Authorization: Bearer <token>`:
 *
 *   get(key)        GET  <base>/item/<key>?version=1   200 JSON value | 404 + x-edge-config-digest → undefined
 *   has(key)        HEAD <base>/item/<key>?version=1   200 | 404 + x-edge-config-digest → false
 *   getAll([k…])    GET  <base>/items?version=1[&key=a&key=b]
 *   digest()        GET  <base>/digest?version=1       200 JSON string
 *
 * A 404 *without* `x-edge-config-digest` means "no such Edge Config" and makes the client throw.
 * GETs go through the client's ETag cache (If-None-Match → 304 reuses its stored body).
 * The same routes are also served without the `/ecfg_local` prefix, for curl.
 *
 *   EDGE_CONFIG_TOKEN=… EDGE_CONFIG_PORT=8078 EDGE_CONFIG_FILE=scripts/stack/edge-config.json tsx harness/edge-config-server.ts
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { policySchema } from "../lib/config/policy";
import { secretEquals } from "../lib/http/bearer";
import { errorMessage, log } from "../lib/log";
import { listenHttp } from "./ports";
import { runAsService } from "./service-main";

/** The Edge Config id in the connection string; the client sends it as the first path segment. */
export const LOCAL_EDGE_CONFIG_ID = "ecfg_local";
/** Fallback for file systems where fs.watch misses changes (bind mounts, network drives). */
const POLL_MS = 500;
/** Editors and `>` redirects write in steps; wait for the burst to settle before reading. */
const DEBOUNCE_MS = 75;
const UNAUTHORIZED_LOG_EVERY_MS = 10_000;

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535),
  token: z.string().min(1, "token must not be empty"),
  file: z.string().min(1, "file must not be empty"),
  host: z.string().min(1).default("127.0.0.1"),
});

export type EdgeConfigServerOptions = z.input<typeof optionsSchema>;

export interface EdgeConfigServerHandle {
  /** `http://host:port` (the server root). */
  url: string;
  /** What the app puts in `EDGE_CONFIG`: `http://host:port/ecfg_local?token=…`. */
  connectionString: string;
  stop(): Promise<void>;
  /** Re-reads the file now; rejects (and keeps serving the last good policy) when it is invalid. */
  reload(): Promise<void>;
}

// ---------------------------------------------------------------- policy file → served snapshot

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Snapshot {
  /** The file text it came from, so unchanged re-reads are no-ops. */
  raw: string;
  items: Record<string, Json>;
  /** Pre-serialized bodies per item. */
  bodies: Map<string, string>;
  allBody: string;
  /** Content hash: key order and formatting do not count, any value change does. */
  digest: string;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Sorted keys everywhere, so equal content always serializes (and hashes) the same. */
function canonical(value: unknown): Json {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item !== undefined) out[key] = canonical(item);
    }
    return out;
  }
  throw new Error(`not JSON-serializable: ${typeof value}`);
}

const formatPath = (segments: readonly PropertyKey[]): string =>
  segments.reduce<string>((out, segment) => (typeof segment === "number" ? `${out}[${segment}]` : out ? `${out}.${String(segment)}` : String(segment)), "") ||
  "(root)";

/** Fields in the file that the schema dropped (typos there would otherwise vanish silently). */
function droppedFields(input: unknown, output: unknown, at: (string | number)[] = []): string[] {
  if (Array.isArray(input) && Array.isArray(output)) return input.flatMap((item, i) => droppedFields(item, output[i], [...at, i]));
  if (input === null || output === null || typeof input !== "object" || typeof output !== "object") return [];
  const kept = output as Record<string, unknown>;
  return Object.entries(input as Record<string, unknown>).flatMap(([key, value]) =>
    key in kept ? droppedFields(value, kept[key], [...at, key]) : [formatPath([...at, key])],
  );
}

/** Parses and validates file text; throws a one-line error naming the file and the bad field(s). */
function toSnapshot(raw: string, file: string): { snapshot: Snapshot; dropped: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`edge config file ${file} is not valid JSON: ${errorMessage(error).replace(/\s+/g, " ")}`);
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message.replace(/\s+/g, " ")}`);
    const more = parsed.error.issues.length > 3 ? ` (+${parsed.error.issues.length - 3} more)` : "";
    throw new Error(`edge config file ${file} is invalid: ${problems.join("; ")}${more}`);
  }
  // Serve what the schema accepted (the same shape the app parses), in canonical form.
  const items = canonical(parsed.data) as Record<string, Json>;
  const bodies = new Map(Object.entries(items).map(([key, value]) => [key, JSON.stringify(value)]));
  const allBody = JSON.stringify(items);
  return { snapshot: { raw, items, bodies, allBody, digest: sha256(allBody) }, dropped: droppedFields(json, parsed.data) };
}

async function readPolicyFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read edge config file ${file}: ${errorMessage(error)}`);
  }
}

// ---------------------------------------------------------------- HTTP

interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

const errorBody = (code: string, message: string): string => JSON.stringify({ error: { code, message } });

/** `If-None-Match` per RFC 9110: `*` or a list of (possibly weak) tags, compared weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => bare(tag) === bare(etag));
}

function send(res: http.ServerResponse, method: string, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body !== undefined) {
    headers["content-type"] = "application/json; charset=utf-8";
    headers["content-length"] = String(Buffer.byteLength(reply.body));
  }
  res.writeHead(reply.status, headers);
  // HEAD answers carry GET's headers (content-length included) but never a body.
  res.end(method === "HEAD" || reply.status === 304 ? undefined : reply.body);
}

/** Splits `/ecfg_local/item/a?x` (or `/item/a?x`) without URL parsing: a leading `//` must not become a host. */
function route(rawUrl: string): { resource: string[]; query: URLSearchParams } | { unknownConfig: true } {
  const q = rawUrl.indexOf("?");
  const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1));
  const segments = pathname.split("/").slice(1);
  if (segments[0] === LOCAL_EDGE_CONFIG_ID) return { resource: segments.slice(1), query };
  if (segments[0] === "item" || segments[0] === "items" || segments[0] === "digest") return { resource: segments, query };
  return { unknownConfig: true };
}

function answer(snapshot: Snapshot, rawUrl: string, ifNoneMatch: string | undefined): Reply {
  const target = route(rawUrl);
  // No digest header here: the client reads that as "this Edge Config does not exist" and throws.
  const notFound: Reply = { status: 404, body: errorBody("not_found", "no such Edge Config or endpoint") };
  if ("unknownConfig" in target) return notFound;
  const version = target.query.get("version");
  if (version !== "1") return { status: 400, body: errorBody("bad_request", `version=1 is required (got ${version ?? "none"})`) };

  const digestHeader = { "x-edge-config-digest": snapshot.digest };
  const ok = (body: string): Reply => {
    const etag = `"${sha256(body).slice(0, 32)}"`;
    const headers = { ...digestHeader, etag };
    return matchesEtag(ifNoneMatch, etag) ? { status: 304, headers } : { status: 200, body, headers };
  };
  const [kind, ...rest] = target.resource;

  if (kind === "item" && rest.length > 0) {
    let key: string;
    try {
      key = decodeURIComponent(rest.join("/"));
    } catch {
      return { status: 400, body: errorBody("bad_request", "the item key is not valid percent-encoding") };
    }
    const body = snapshot.bodies.get(key);
    // With the digest header the client returns undefined (get) / false (has) instead of throwing.
    if (body === undefined) return { status: 404, body: errorBody("edge_config_item_not_found", `no item "${key}"`), headers: digestHeader };
    return ok(body);
  }
  if (kind === "items" && rest.length === 0) {
    const requested = target.query.getAll("key").filter((key) => key.trim() !== "");
    if (!target.query.has("key")) return ok(snapshot.allBody);
    const wanted = new Set(requested);
    const picked = Object.fromEntries(Object.entries(snapshot.items).filter(([key]) => wanted.has(key)));
    return ok(JSON.stringify(picked));
  }
  if (kind === "digest" && rest.length === 0) return ok(JSON.stringify(snapshot.digest));
  return notFound;
}

// ---------------------------------------------------------------- server

export async function startEdgeConfigServer(options: EdgeConfigServerOptions): Promise<EdgeConfigServerHandle> {
  const opts = optionsSchema.parse(options);
  const file = path.resolve(opts.file);
  const first = toSnapshot(await readPolicyFile(file), file);
  let current = first.snapshot;
  if (first.dropped.length > 0) log.warn("edge_config.unknown_fields_ignored", { file, fields: first.dropped });

  const authorized = (header: string | undefined) => secretEquals(header, `Bearer ${opts.token}`);

  let lastUnauthorizedLog = 0;
  let suppressedUnauthorized = 0;
  const server = http.createServer((req, res) => {
    const method = req.method ?? "GET";
    try {
      if (!authorized(req.headers.authorization)) {
        // A wrong EDGE_CONFIG token fails every request; say so now and then, not per request.
        const now = Date.now();
        if (now - lastUnauthorizedLog >= UNAUTHORIZED_LOG_EVERY_MS) {
          log.warn("edge_config.unauthorized", { path: (req.url ?? "").split("?")[0], suppressed: suppressedUnauthorized });
          lastUnauthorizedLog = now;
          suppressedUnauthorized = 0;
        } else suppressedUnauthorized += 1;
        send(res, method, { status: 401, body: errorBody("unauthorized", "missing or wrong Bearer token"), headers: { "www-authenticate": "Bearer" } });
        return;
      }
      if (method !== "GET" && method !== "HEAD") {
        send(res, method, {
          status: 405,
          body: errorBody("method_not_allowed", "this Edge Config is read-only: GET or HEAD"),
          headers: { allow: "GET, HEAD" },
        });
        return;
      }
      const ifNoneMatch = req.headers["if-none-match"];
      send(res, method, answer(current, req.url ?? "/", Array.isArray(ifNoneMatch) ? ifNoneMatch.join(",") : ifNoneMatch));
    } catch (error) {
      log.error("edge_config.request_failed", { path: (req.url ?? "").split("?")[0], error: errorMessage(error) });
      if (!res.headersSent) send(res, method, { status: 500, body: errorBody("internal", "internal error") });
      else res.destroy();
    }
  });
  // The client's fetch (undici) keeps sockets alive between reads.
  server.keepAliveTimeout = 65_000;

  const url = await listenHttp(server, opts.host, opts.port, "edge config server");
  const connectionString = `${url}/${LOCAL_EDGE_CONFIG_ID}?token=${encodeURIComponent(opts.token)}`;

  // ------------------------------------------------------------ reloading

  /** What the last failed read was about (bad text or a read error), to log each problem once. */
  let lastFailure: string | undefined;
  const applyFile = async (): Promise<void> => {
    let raw: string;
    try {
      raw = await readPolicyFile(file);
    } catch (error) {
      throw failure(`read:${errorMessage(error)}`, errorMessage(error));
    }
    if (raw === current.raw) {
      if (lastFailure !== undefined) log.info("edge_config.recovered", { file, digest: current.digest });
      lastFailure = undefined;
      return;
    }
    let next: { snapshot: Snapshot; dropped: string[] };
    try {
      next = toSnapshot(raw, file);
    } catch (error) {
      throw failure(raw, errorMessage(error));
    }
    const recovered = lastFailure !== undefined;
    lastFailure = undefined;
    const previous = current.digest;
    current = next.snapshot;
    if (next.dropped.length > 0) log.warn("edge_config.unknown_fields_ignored", { file, fields: next.dropped });
    if (current.digest !== previous) log.info("edge_config.updated", { file, digest: current.digest, previous, recovered });
    else if (recovered) log.info("edge_config.recovered", { file, digest: current.digest });
  };
  /** Logs a failure once per distinct bad content (polling re-reads it) and returns it to throw. */
  function failure(key: string, message: string): Error {
    if (lastFailure !== key) log.error("edge_config.reload_failed", { file, error: message, serving: current.digest });
    lastFailure = key;
    return new Error(message);
  }

  // One read at a time, in order, so a slow older read never overwrites a newer one.
  let chain: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    const run = chain.then(applyFile);
    chain = run.catch(() => undefined);
    return run;
  };

  let stopped = false;
  let debounce: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void reload().catch(() => undefined), DEBOUNCE_MS);
    debounce.unref();
  };
  // Watch the directory, not the file: editors save by writing a new file and renaming it over.
  let watcher: fs.FSWatcher | undefined;
  const base = path.basename(file);
  try {
    watcher = fs.watch(path.dirname(file), { persistent: false }, (_event, name) => {
      if (name === null || name === base) schedule();
    });
    watcher.on("error", (error) => {
      log.warn("edge_config.watch_failed", { file, error: errorMessage(error), fallback: `polling every ${POLL_MS} ms` });
      watcher?.close();
      watcher = undefined;
    });
  } catch (error) {
    log.warn("edge_config.watch_failed", { file, error: errorMessage(error), fallback: `polling every ${POLL_MS} ms` });
  }
  const onPoll = (curr: fs.Stats, prev: fs.Stats) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino) schedule();
  };
  fs.watchFile(file, { interval: POLL_MS, persistent: false }, onPoll);
  // The file may have changed between the first read and the watchers starting.
  schedule();

  log.info("edge_config.started", {
    url,
    id: LOCAL_EDGE_CONFIG_ID,
    connectionString: `${url}/${LOCAL_EDGE_CONFIG_ID}?token=<token>`,
    file,
    digest: current.digest,
    items: Object.keys(current.items),
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopped = true;
      clearTimeout(debounce);
      watcher?.close();
      fs.unwatchFile(file, onPoll);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Reads are tiny; give in-flight ones a moment, then cut kept-alive sockets.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      server.closeAllConnections();
      await closed;
      await chain;
      log.info("edge_config.stopped", { url });
    })());

  return { url, connectionString, stop, reload };
}

// ---------------------------------------------------------------- CLI

const here = path.dirname(fileURLToPath(import.meta.url));

const cliEnvSchema = z.object({
  // The launcher's policy file stays with the launcher (scripts/stack/).
  EDGE_CONFIG_FILE: z
    .string()
    .min(1)
    .default(path.join(here, "..", "scripts", "stack", "edge-config.json")),
  EDGE_CONFIG_TOKEN: z
    .string({ error: "set EDGE_CONFIG_TOKEN (the Bearer token the app's EDGE_CONFIG connection string carries)" })
    .min(1, "EDGE_CONFIG_TOKEN must not be empty"),
  EDGE_CONFIG_PORT: z.coerce.number().int().min(0).max(65_535).default(8078),
});

runAsService(import.meta.url, {
  event: "edge_config",
  env: cliEnvSchema,
  start: (env) => startEdgeConfigServer({ file: env.EDGE_CONFIG_FILE, token: env.EDGE_CONFIG_TOKEN, port: env.EDGE_CONFIG_PORT }),
});
