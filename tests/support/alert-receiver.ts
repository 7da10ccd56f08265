import http from "node:http";
import { listenHttp } from "@/harness/ports";

/** Stands in for PagerDuty / Slack in the stack tests: records every alert POST; GET returns them. */
export async function startAlertReceiver(): Promise<{ url: string; stop(): Promise<void> }> {
  const received: unknown[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown);
        res.writeHead(202, { "content-type": "application/json" }).end('{"status":"success"}');
      });
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ alerts: received }));
  });
  const url = await listenHttp(server, "127.0.0.1", 0, "alert receiver");
  return { url, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
