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
