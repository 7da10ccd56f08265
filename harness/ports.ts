import type { Server } from "node:http";
import net from "node:net";

/**
 * A port free right now, for tests and ephemeral services. Drawn below the OS's ephemeral range
 * (32768+ on Linux): a port the OS handed out with `listen(0)` and that we bind only later can
 * meanwhile become the local end of some outbound connection ("already in use", seen in CI).
 */
const handedOut = new Set<number>();
const LOW = 20_000;
const HIGH = 32_000;

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Resolves when nothing listens on the port; rejects with a one-line reason otherwise. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `port ${port} (${what}) is already in use; set another port or stop what holds it`
            : `cannot listen on port ${port} (${what}): ${error.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** Listen, then return the URL clients should use (the real port when 0 was asked for). */
export async function listenHttp(server: Server, host: string, port: number, what: string): Promise<string> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw new Error(`${what} cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${actual}`;
}
