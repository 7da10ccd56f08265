import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local endpoint for the Shopify emulator's webhooks: keeps each delivery (topic, event id,
 * body) so a test can hand them to the parser itself, in the order (and as often) it chooses.
 */
export interface InboxDelivery {
  topic: string;
  eventId: string;
  body: unknown;
}

export async function startShopifyInbox() {
  const deliveries: InboxDelivery[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      deliveries.push({ topic: String(req.headers["x-shopify-topic"]), eventId: String(req.headers["x-shopify-event-id"]), body: JSON.parse(raw) as unknown });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopify`;
  return {
    url,
    /** Every delivery of `topic` so far, waiting (up to 5 s) until there are at least `count`. */
    async take(topic: string, count = 1): Promise<InboxDelivery[]> {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const found = deliveries.filter((d) => d.topic === topic);
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`expected ${count} ${topic} webhook(s), got ${found.length} (${deliveries.map((d) => d.topic).join(", ")})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    clear: () => void deliveries.splice(0),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
