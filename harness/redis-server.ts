import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { spawnGuardian } from "./guardian";
import { assertPortFree } from "./ports";

const FALLBACK_BINARY = "/usr/bin/redis-server";
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 10_000;

const optionsSchema = z.object({
  port: z.number().int().min(1).max(65_535),
  dir: z.string().min(1),
  appendOnly: z.boolean().default(true),
  appendFsync: z.enum(["always", "everysec"]).default("always"),
});

export type RedisServerOptions = z.input<typeof optionsSchema>;

export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Absolute path of an executable `redis-server` (PATH first, then /usr/bin), or null. */
export function redisServerBinary(): string | null {
  const fromPath = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, "redis-server"));
  for (const candidate of [...fromPath, FALLBACK_BINARY]) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not there or not executable: try the next one
    }
  }
  return null;
}

/** Spawns a private redis-server on 127.0.0.1 and resolves once it answers PING. */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  const binary = redisServerBinary();
  if (!binary) throw new Error("redis-server not found on PATH or at /usr/bin/redis-server; install it (apt-get install redis-server)");
  const opts = optionsSchema.parse(options);
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  // Without this check a foreign server on the port would answer our PING and look like ours.
  await assertPortFree(opts.port, "redis-server");

  const args = [
    "--port",
    String(opts.port),
    "--bind",
    "127.0.0.1",
    "--protected-mode",
    "yes",
    "--daemonize",
    "no",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    opts.appendOnly ? "yes" : "no",
    "--appendfsync",
    opts.appendFsync,
    "--loglevel",
    "warning",
    "--logfile",
    "",
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = outputTail(child);
  let spawnFailure: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (error) => {
      spawnFailure = error;
      if (child.pid === undefined) resolve(); // never started, so no "exit" will follow
    });
  });

  // Normal exits (incl. process.exit) run this; signals and SIGKILL are covered by the guardian.
  const killOnExit = () => {
    child.kill("SIGTERM");
  };
  process.on("exit", killOnExit);
  const guardian = child.pid === undefined ? undefined : spawnGuardian(child.pid);
  void exited.then(() => {
    process.removeListener("exit", killOnExit);
    guardian?.kill("SIGKILL");
  });

  const isGone = () => child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
  const stop = async (): Promise<void> => {
    if (!isGone()) {
      child.kill("SIGTERM"); // redis treats SIGTERM as SHUTDOWN: flushes the AOF, then exits
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  };

  try {
    await waitForPing(opts.port, () =>
      spawnFailure
        ? `cannot spawn redis-server: ${spawnFailure.message}`
        : isGone()
          ? `redis-server exited before answering PING on port ${opts.port}`
          : undefined,
    );
  } catch (error) {
    await stop();
    const tail = output();
    throw new Error(`${error instanceof Error ? error.message : String(error)}${tail ? `; redis-server said: ${tail}` : ""}`);
  }
  return { url: `redis://127.0.0.1:${opts.port}`, port: opts.port, stop };
}

/** Keeps the last lines redis printed, for a useful error when it fails to start. */
function outputTail(child: ChildProcess): () => string {
  let lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines = [
      ...lines,
      ...chunk
        .toString("utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
    ].slice(-5);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => lines.join(" | ");
}

/** Polls PING until it answers; `failure()` names a reason to give up early (the child died). */
async function waitForPing(port: number, failure: () => string | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const reason = failure();
    if (reason) throw new Error(reason);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms`);
}

/** True when 127.0.0.1:port answers an inline PING with +PONG (not -LOADING or an error). */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}
