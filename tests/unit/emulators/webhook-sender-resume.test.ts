import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookSender } from "@/emulators/shared/webhook-sender";

/** A sender's undelivered webhooks survive a restart: saved by `pending()`, sent again by `resume()`. */
const servers: http.Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function receiver(status: number): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      bodies.push(JSON.parse(raw));
      res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, bodies };
}

describe("webhook sender across a restart", () => {
  it("what was not acknowledged at stop is delivered by the next sender; what was acknowledged is not", async () => {
    const down = await receiver(503);
    const first = new WebhookSender({ lagMs: { min: 0, max: 0 }, duplicateRate: 0, maxAttempts: 8 });
    let changes = 0;
    first.onChange = () => changes++;
    first.send({ url: down.url, secret: "s", signatureHeader: "x-sig", body: { n: 1 } });
    await expect.poll(() => first.stats.retries).toBeGreaterThanOrEqual(1); // refused (and seen so), now between retries
    const saved = first.pending();
    first.stop();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ message: { body: { n: 1 } }, attempt: 2 });
    expect(changes).toBeGreaterThan(0);

    const up = await receiver(200);
    const second = new WebhookSender();
    second.resume(saved.map((d) => ({ ...d, message: { ...d.message, url: up.url } })));
    expect(second.pending()).toHaveLength(1);
    await second.idle();
    expect(up.bodies).toEqual([{ n: 1 }]);
    expect(second.pending()).toEqual([]);
  });
});
