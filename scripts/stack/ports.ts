import type { Server } from "node:http";
import net from "node:net";

/** A port the OS says is free right now (for tests and ephemeral services). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Resolves when nothing listens on the port; rejects with a one-line reason otherwise. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === "EADDRINUSE" ? `port ${port} (${what}) is already in use; set another port or stop what holds it` : `cannot listen on port ${port} (${what}): ${error.message}`)),
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
