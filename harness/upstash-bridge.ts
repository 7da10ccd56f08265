/**
 * A local stand-in for Upstash's Redis REST API in front of a real redis-server, speaking the wire
 * format `@upstash/redis` (1.39) expects: `POST /` with a JSON command, `/pipeline`, `/multi-exec`,
 * path-style `/cmd/arg…`, Bearer auth and `Upstash-Encoding: base64` results.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 UPSTASH_BRIDGE_TOKEN=… UPSTASH_BRIDGE_PORT=8079 tsx harness/upstash-bridge.ts
 */
import { createHash } from "node:crypto";
import http from "node:http";
import { Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import { secretEquals } from "../lib/http/bearer";
import { errorMessage, log } from "../lib/log";
import { HttpError } from "./http-error";
import { listenHttp } from "./ports";
import { runAsService } from "./service-main";

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_BLOCKING_POOL_SIZE = 8;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
/** Commands per ioredis pipeline write; the client itself never sends more than 1,000 per request. */
const MAX_BATCH = 1_000;
const OK = Buffer.from("OK");

const optionsSchema = z.object({
  redisUrl: z.string().regex(/^rediss?:\/\//, "redisUrl must start with redis:// or rediss://"),
  token: z.string().min(1, "token must not be empty"),
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1).default("127.0.0.1"),
  maxBodyBytes: z.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
  blockingPoolSize: z.number().int().positive().default(DEFAULT_BLOCKING_POOL_SIZE),
  /** Bounds a command on the shared connection, so a wedged redis yields 503s instead of hung requests. */
  commandTimeoutMs: z.number().int().positive().default(DEFAULT_COMMAND_TIMEOUT_MS),
});

export type UpstashBridgeOptions = z.input<typeof optionsSchema>;

export interface UpstashBridgeHandle {
  url: string;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------- wire format

const argSchema = z.union([z.string(), z.number(), z.boolean()]);
const commandSchema = z.array(argSchema).min(1, "a command needs at least its name");
const batchSchema = z.array(commandSchema).min(1, "the batch holds no commands");

type Arg = string | Buffer;
/** `name` is upper-cased: ioredis keys its reply transformers (e.g. hgetall → object) by lower-case name. */
interface RedisCommand {
  name: string;
  args: Arg[];
}
type Outcome = { ok: true; value: unknown } | { ok: false; message: string; unavailable: boolean };
type Json = string | number | null | Json[];
type Entry = { result: Json } | { error: string };

const toCommand = (raw: readonly (string | number | boolean)[]): RedisCommand =>
  upstashScriptCompat({
    name: String(raw[0]).toUpperCase(),
    args: raw.slice(1).map(String),
  });

/**
 * Upstash accepts a script shebang flag Redis does not know (`#!lua flags=allow-key-locking`,
 * used by @upstash/ratelimit). Like Upstash, the bridge runs such scripts: the flag is dropped
 * before Redis sees the source, and the client's EVALSHA (the SHA-1 of the source it sent) is
 * mapped to the SHA-1 of what Redis actually loaded.
 */
const UPSTASH_ONLY_FLAGS = new Set(["allow-key-locking"]);
const scriptAliases = new Map<string, string>();
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

function redisCompatibleScript(source: string): string {
  const shebang = /^#!lua flags=([^\n]*)\n/.exec(source);
  if (!shebang) return source;
  const kept = (shebang[1] ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f && !UPSTASH_ONLY_FLAGS.has(f));
  return `${kept.length ? `#!lua flags=${kept.join(",")}` : "#!lua"}\n${source.slice(shebang[0].length)}`;
}

function upstashScriptCompat(command: RedisCommand): RedisCommand {
  const [first, ...rest] = command.args;
  if ((command.name === "EVAL" || command.name === "EVAL_RO") && typeof first === "string") {
    const compatible = redisCompatibleScript(first);
    if (compatible === first) return command;
    scriptAliases.set(sha1(first), sha1(compatible));
    return { ...command, args: [compatible, ...rest] };
  }
  if ((command.name === "EVALSHA" || command.name === "EVALSHA_RO") && typeof first === "string") {
    const alias = scriptAliases.get(first.toLowerCase());
    return alias ? { ...command, args: [alias, ...rest] } : command;
  }
  return command;
}

const isReplyError = (error: unknown): boolean => error instanceof Error && error.name === "ReplyError";
const failure = (error: unknown): Outcome => ({ ok: false, message: errorMessage(error), unavailable: !isReplyError(error) });
const refused = (message: string): Outcome => ({ ok: false, message, unavailable: false });

/**
 * Results as Upstash returns them. With base64 on, every string is encoded except a top-level
 * "OK" (as Upstash documents). The client's decode() keeps a bare "OK" only at the top, but
 * base64-decodes every string directly inside an array, and silently: an unencoded "OK" or "PONG"
 * there would come out as garbage rather than as an error.
 */
function toJson(value: unknown, base64: boolean, topLevel: boolean): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (Buffer.isBuffer(value)) {
    if (!base64) return value.toString("utf8");
    return topLevel && value.equals(OK) ? "OK" : value.toString("base64");
  }
  if (typeof value === "string") return toJson(Buffer.from(value, "utf8"), base64, topLevel);
  if (Array.isArray(value)) return value.map((item: unknown) => toJson(item, base64, false));
  // An error inside an array reply (a Lua table holding redis.error_reply): keep its text.
  if (value instanceof Error) return toJson(Buffer.from(value.message, "utf8"), base64, false);
  if (typeof value === "boolean") return value ? 1 : null; // RESP2's own mapping of Lua booleans
  return toJson(Buffer.from(String(value), "utf8"), base64, topLevel);
}

const toEntry = (outcome: Outcome, base64: boolean): Entry => (outcome.ok ? { result: toJson(outcome.value, base64, true) } : { error: outcome.message });

// ---------------------------------------------------------------- command policy

/** Commands that would change the state of a connection other requests share. */
const CONNECTION_STATE = new Set([
  "AUTH",
  "HELLO",
  "SELECT",
  "QUIT",
  "RESET",
  "MONITOR",
  "SYNC",
  "PSYNC",
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "SUNSUBSCRIBE",
]);
const CLIENT_STATE = new Set(["REPLY", "SETNAME", "SETINFO", "TRACKING", "CACHING", "NO-EVICT", "NO-TOUCH"]);
const BLOCKING = new Set(["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF"]);

function refusal(command: RedisCommand): string | undefined {
  const sub = typeof command.args[0] === "string" ? command.args[0].toUpperCase() : "";
  if (CONNECTION_STATE.has(command.name) || (command.name === "CLIENT" && CLIENT_STATE.has(sub))) {
    const hint = ["MULTI", "EXEC", "DISCARD"].includes(command.name) ? "; send the commands to /multi-exec instead" : "";
    return `ERR command '${command.name}' is not available over the Upstash REST bridge${hint}`;
  }
  return undefined;
}

const isBlocking = (command: RedisCommand): boolean =>
  BLOCKING.has(command.name) ||
  ((command.name === "XREAD" || command.name === "XREADGROUP") && command.args.some((arg) => typeof arg === "string" && arg.toUpperCase() === "BLOCK"));

// ---------------------------------------------------------------- redis execution

async function runPipeline(redis: Redis, commands: readonly RedisCommand[]): Promise<Outcome[]> {
  const pipeline = redis.pipeline();
  for (const command of commands) pipeline.callBuffer(command.name, ...command.args);
  try {
    const results = await pipeline.exec();
    if (!results) return commands.map(() => failure(new Error("pipeline returned no results")));
    return commands.map((_, i): Outcome => {
      const [error, value] = results[i] ?? [new Error("missing pipeline result"), null];
      return error ? failure(error) : { ok: true, value };
    });
  } catch (error) {
    return commands.map(() => failure(error));
  }
}

type MultiOutcome = { ok: true; outcomes: Outcome[] } | { ok: false; message: string; unavailable: boolean };

async function runMulti(redis: Redis, commands: readonly RedisCommand[]): Promise<MultiOutcome> {
  // ioredis writes MULTI…EXEC as one contiguous buffer on the connection, so nothing interleaves.
  const multi = redis.multi();
  for (const command of commands) multi.callBuffer(command.name, ...command.args);
  try {
    const results = await multi.exec();
    if (!results) return { ok: false, message: "EXECABORT Transaction aborted", unavailable: false };
    return { ok: true, outcomes: results.map(([error, value]): Outcome => (error ? failure(error) : { ok: true, value })) };
  } catch (error) {
    const previous = error instanceof Error && "previousErrors" in error && Array.isArray(error.previousErrors) ? error.previousErrors : [];
    const detail = previous.map((e: unknown) => errorMessage(e)).join("; ");
    return { ok: false, message: `${errorMessage(error)}${detail ? ` ${detail}` : ""}`, unavailable: !isReplyError(error) };
  }
}

type Queued =
  | { kind: "command"; command: RedisCommand; resolve: (outcome: Outcome) => void }
  | { kind: "multi"; commands: RedisCommand[]; resolve: (outcome: MultiOutcome) => void };

/**
 * One connection for all non-blocking traffic. Work arriving in the same event-loop turn is
 * written as one pipeline (ioredis's own auto-pipelining drops the command name for callBuffer),
 * transactions in arrival order between them.
 */
class SharedConnection {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(readonly redis: Redis) {}

  command(command: RedisCommand): Promise<Outcome> {
    return new Promise((resolve) => this.enqueue({ kind: "command", command, resolve }));
  }

  multi(commands: RedisCommand[]): Promise<MultiOutcome> {
    return new Promise((resolve) => this.enqueue({ kind: "multi", commands, resolve }));
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    let run: Extract<Queued, { kind: "command" }>[] = [];
    const sendRun = () => {
      if (run.length === 0) return;
      const batch = run;
      run = [];
      void runPipeline(
        this.redis,
        batch.map((item) => item.command),
      ).then((outcomes) => batch.forEach((item, i) => item.resolve(outcomes[i] ?? failure(new Error("missing result")))));
    };
    for (const item of queue) {
      if (item.kind === "command") {
        run.push(item);
        if (run.length >= MAX_BATCH) sendRun();
      } else {
        sendRun();
        void runMulti(this.redis, item.commands).then(item.resolve);
      }
    }
    sendRun();
  }
}

/** Dedicated connections for commands that block (BLPOP, XREAD BLOCK, WAIT…), so they never stall the shared one. */
class BlockingPool {
  private idle: Redis[] = [];
  private size = 0;
  private waiters: { resolve: (redis: Redis) => void; reject: (error: Error) => void }[] = [];
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly max: number,
    private readonly options: RedisOptions,
  ) {}

  async acquire(signal: AbortSignal): Promise<Redis> {
    if (this.closed) throw new Error("bridge is stopping");
    if (signal.aborted) throw new Error("request closed before a blocking connection was free");
    for (let conn = this.idle.pop(); conn; conn = this.idle.pop()) {
      if (conn.status === "ready") return conn;
      this.discard(conn);
    }
    if (this.size < this.max) return this.open();
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (redis: Redis) => {
          signal.removeEventListener("abort", onAbort);
          resolve(redis);
        },
        reject,
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error("request closed while waiting for a blocking connection"));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(conn: Redis): void {
    if (this.closed || conn.status !== "ready") {
      this.discard(conn);
      const waiter = this.closed ? undefined : this.waiters.shift();
      if (waiter) this.open().then(waiter.resolve, waiter.reject);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(conn);
    else this.idle.push(conn);
  }

  close(): void {
    this.closed = true;
    for (const conn of this.idle) this.discard(conn);
    this.idle = [];
    for (const waiter of this.waiters) waiter.reject(new Error("bridge is stopping"));
    this.waiters = [];
  }

  private async open(): Promise<Redis> {
    this.size += 1;
    // No reconnects: a dead blocking connection is dropped and a fresh one opened on demand.
    const conn = new Redis(this.url, { ...this.options, lazyConnect: true, retryStrategy: () => null, connectionName: "upstash-bridge-blocking" });
    conn.on("error", () => undefined); // surfaced through the command's own rejection
    try {
      await conn.connect();
      return conn;
    } catch (error) {
      this.discard(conn);
      throw error;
    }
  }

  private discard(conn: Redis): void {
    this.size -= 1;
    conn.disconnect();
  }
}

class Executor {
  constructor(
    private readonly shared: SharedConnection,
    private readonly pool: BlockingPool,
  ) {}

  async single(command: RedisCommand, signal: AbortSignal): Promise<Outcome> {
    const [outcome] = await this.batch([command], signal);
    return outcome ?? failure(new Error("missing result"));
  }

  /** Non-atomic, in order; each refused command fails alone, as the rest still run. */
  async batch(commands: RedisCommand[], signal: AbortSignal): Promise<Outcome[]> {
    const refusals = commands.map(refusal);
    const runnable = commands.filter((_, i) => refusals[i] === undefined);
    const outcomes = runnable.some(isBlocking) ? await this.onDedicated(runnable, signal) : await Promise.all(runnable.map((c) => this.shared.command(c)));
    let next = 0;
    return refusals.map((message) => (message === undefined ? (outcomes[next++] ?? failure(new Error("missing result"))) : refused(message)));
  }

  atomic(commands: RedisCommand[]): Promise<MultiOutcome> {
    const message = commands.map(refusal).find((m) => m !== undefined);
    if (message) return Promise.resolve({ ok: false, message, unavailable: false });
    return this.shared.multi(commands);
  }

  private async onDedicated(commands: RedisCommand[], signal: AbortSignal): Promise<Outcome[]> {
    let conn: Redis;
    try {
      conn = await this.pool.acquire(signal);
    } catch (error) {
      return commands.map(() => failure(error));
    }
    // A client that hangs up must not leave BLPOP 0 holding a pooled connection forever.
    const onAbort = () => conn.disconnect();
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await runPipeline(conn, commands);
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.pool.release(conn);
    }
  }
}

// ---------------------------------------------------------------- HTTP

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

/** The client went away mid-request: nothing to answer, nothing worth logging. */
class ClientGone extends Error {}

/** Reads the body up to `limit`; past it keeps draining (so the 413 reaches the client) and resolves null. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit * 4) req.destroy(); // not worth draining any further
    });
    req.once("end", () => settle(() => resolve(size > limit ? null : Buffer.concat(chunks))));
    req.once("error", () => settle(() => (size > limit ? resolve(null) : reject(new ClientGone()))));
    req.once("close", () => settle(() => (size > limit ? resolve(null) : reject(new ClientGone()))));
  });
}

function parseJson<T>(body: Buffer, schema: z.ZodType<T>, shape: string): T {
  if (body.length === 0) throw new HttpError(400, `ERR empty request body; expected ${shape}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `ERR failed to parse JSON body: ${errorMessage(error)}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new HttpError(400, `ERR invalid request body: expected ${shape} (${result.error.issues[0]?.message ?? "wrong shape"})`);
  return result.data;
}

/** `GET|POST /set/key/value?EX=100`: segments, then the raw body (binary-safe), then query pairs. */
function pathCommand(url: URL, route: string, body: Buffer): RedisCommand {
  let segments: string[];
  try {
    segments = route.slice(1).split("/").map(decodeURIComponent);
  } catch {
    throw new HttpError(400, "ERR malformed percent-encoding in the URL path");
  }
  const args: Arg[] = segments.slice(1);
  if (body.length > 0) args.push(body);
  for (const [key, value] of url.searchParams) {
    if (key === "_token") continue;
    args.push(key);
    if (value !== "") args.push(value);
  }
  return { name: (segments[0] ?? "").toUpperCase(), args };
}

const unavailable = (message: string) => ({ error: `ERR redis is unavailable: ${message}` });

function bearerToken(req: http.IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1] ?? url.searchParams.get("_token") ?? undefined;
}

interface HandlerContext {
  executor: Executor;
  maxBodyBytes: number;
  isAuthorized(token: string | undefined): boolean;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: HandlerContext): Promise<void> {
  const method = req.method ?? "GET";
  if (!["GET", "HEAD", "POST", "PUT"].includes(method)) return send(res, 405, { error: "Method Not Allowed" });
  const url = new URL(req.url ?? "/", "http://bridge.invalid");
  if (!ctx.isAuthorized(bearerToken(req, url))) return send(res, 401, { error: "Unauthorized" });

  const body = await readBody(req, ctx.maxBodyBytes);
  if (body === null) return send(res, 413, { error: `ERR request body exceeds ${ctx.maxBodyBytes} bytes` });
  const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const route = url.pathname.replace(/\/+$/, "") || "/";

  if (route === "/pipeline" || route === "/multi-exec") {
    if (method !== "POST" && method !== "PUT") return send(res, 405, { error: "Method Not Allowed" });
    const commands = parseJson(body, batchSchema, 'a JSON array of commands, e.g. [["SET","k","v"],["GET","k"]]').map(toCommand);
    if (route === "/pipeline") {
      const outcomes = await ctx.executor.batch(commands, controller.signal);
      const down = outcomes.find((o) => !o.ok && o.unavailable);
      if (down && !down.ok) return send(res, 503, unavailable(down.message));
      return send(
        res,
        200,
        outcomes.map((o) => toEntry(o, base64)),
      );
    }
    const result = await ctx.executor.atomic(commands);
    if (!result.ok) return send(res, result.unavailable ? 503 : 400, result.unavailable ? unavailable(result.message) : { error: result.message });
    return send(
      res,
      200,
      result.outcomes.map((o) => toEntry(o, base64)),
    );
  }

  let command: RedisCommand;
  if (route === "/") {
    if (body.length === 0) throw new HttpError(400, 'ERR no command: POST a JSON array such as ["PING"], or use a path like /ping');
    command = toCommand(parseJson(body, commandSchema, 'a JSON array of command arguments, e.g. ["SET","k","v"]'));
  } else {
    command = pathCommand(url, route, body);
  }
  const outcome = await ctx.executor.single(command, controller.signal);
  if (outcome.ok) return send(res, 200, { result: toJson(outcome.value, base64, true) });
  return send(res, outcome.unavailable ? 503 : 400, outcome.unavailable ? unavailable(outcome.message) : { error: outcome.message });
}

// ---------------------------------------------------------------- lifecycle

/** host:port only: a redis URL may carry a password. */
function redisTarget(redisUrl: string): string {
  try {
    const parsed = new URL(redisUrl);
    return `${parsed.hostname}:${parsed.port || "6379"}`;
  } catch {
    return "unparseable";
  }
}

const tokenMatcher =
  (token: string) =>
  (given: string | undefined): boolean =>
    secretEquals(given, token);

function waitForReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    redis.once("ready", onReady);
  });
}

/** Logs redis coming and going; returns a switch to go quiet once the bridge itself disconnects. */
function watchHealth(redis: Redis, target: string): () => void {
  let up = false;
  let complained = false;
  let quiet = false;
  redis.on("ready", () => {
    up = true;
    complained = false;
    log.info("upstash_bridge.redis_ready", { redis: target });
  });
  redis.on("close", () => {
    if (up && !quiet) log.warn("upstash_bridge.redis_lost", { redis: target });
    up = false;
  });
  redis.on("error", (error: unknown) => {
    if (complained || quiet) return; // reconnect attempts repeat the same error; once per outage is enough
    complained = true;
    log.warn("upstash_bridge.redis_error", { redis: target, error: errorMessage(error) });
  });
  return () => {
    quiet = true;
  };
}

export async function startUpstashBridge(options: UpstashBridgeOptions): Promise<UpstashBridgeHandle> {
  const opts = optionsSchema.parse(options);
  const target = redisTarget(opts.redisUrl);
  const base: RedisOptions = {
    protocol: 2, // Upstash replies are RESP2-shaped: flat HGETALL arrays, scores as strings
    disableClientInfo: true,
    enableOfflineQueue: false, // while redis is down, fail at once (503) instead of queueing
    maxRetriesPerRequest: 0, // in-flight commands fail on disconnect rather than being replayed twice
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2_000,
    retryStrategy: (times: number) => Math.min(50 * times, 1_000), // reconnect forever, ≤ 1 s apart
  };
  const redis = new Redis(opts.redisUrl, { ...base, connectionName: "upstash-bridge", commandTimeout: opts.commandTimeoutMs });
  const silenceHealth = watchHealth(redis, target);
  if (!(await waitForReady(redis, 5_000))) log.warn("upstash_bridge.redis_not_ready", { redis: target, note: "serving 503 until it is" });

  const pool = new BlockingPool(opts.redisUrl, opts.blockingPoolSize, base);
  const ctx: HandlerContext = {
    executor: new Executor(new SharedConnection(redis), pool),
    maxBodyBytes: opts.maxBodyBytes,
    isAuthorized: tokenMatcher(opts.token),
  };
  const server = http.createServer((req, res) => {
    handle(req, res, ctx).catch((error: unknown) => {
      if (error instanceof HttpError) return send(res, error.status, { error: error.message });
      if (error instanceof ClientGone) return;
      log.error("upstash_bridge.request_failed", { error: errorMessage(error) });
      send(res, 500, { error: "ERR internal bridge error" });
    });
  });
  // Clients (undici) reuse sockets; keep them well past typical idle gaps between calls.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;

  let url: string;
  try {
    url = await listenHttp(server, opts.host, opts.port, "upstash bridge");
  } catch (error) {
    silenceHealth();
    redis.disconnect();
    throw error;
  }
  log.info("upstash_bridge.started", { url, redis: target, blockingPoolSize: opts.blockingPoolSize, maxBodyBytes: opts.maxBodyBytes });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Give in-flight requests a moment to finish before cutting their sockets.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      server.closeAllConnections();
      pool.close();
      silenceHealth();
      redis.disconnect();
      await closed;
      log.info("upstash_bridge.stopped", { url });
    })());
  return { url, stop };
}

// ---------------------------------------------------------------- CLI

const cliEnvSchema = z.object({
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  UPSTASH_BRIDGE_TOKEN: z.string().min(1, "set UPSTASH_BRIDGE_TOKEN (the Bearer token clients must send)"),
  UPSTASH_BRIDGE_PORT: z.coerce.number().int().min(0).max(65_535).default(8079),
  UPSTASH_BRIDGE_HOST: z.string().min(1).default("127.0.0.1"),
});

runAsService(import.meta.url, {
  event: "upstash_bridge",
  env: cliEnvSchema,
  start: (env) =>
    startUpstashBridge({ redisUrl: env.REDIS_URL, token: env.UPSTASH_BRIDGE_TOKEN, port: env.UPSTASH_BRIDGE_PORT, host: env.UPSTASH_BRIDGE_HOST }),
});
