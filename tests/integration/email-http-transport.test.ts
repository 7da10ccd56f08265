import http from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderApologyEmail } from "@/lib/email/apology-email";
import { sendEmail } from "@/lib/email/transport";
import type { createRedis } from "@/lib/redis/client";
import { outboxKeys } from "@/lib/redis/keys";
import { freePort, listenHttp } from "@/harness/ports";
import { startOwnRedis } from "../support/own-redis";

/**
 * `EMAIL_TRANSPORT=http`: a Resend-style provider API on loopback records every POST and
 * answers what the test queues. The request must carry the key and a stable Idempotency-Key
 * (the same on a retry, so the provider sends once); failures must come back as failures.
 */
interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
const received: Received[] = [];
const answers: number[] = [];
let providerUrl = "";
let server: http.Server;
let stopRedis: () => Promise<void>;
let redis: ReturnType<typeof createRedis>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown,
      });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { "content-type": "application/json" }).end(status < 300 ? '{"id":"msg_1"}' : '{"error":"nope"}');
    });
  });
  providerUrl = `${await listenHttp(server, "127.0.0.1", 0, "email provider")}/emails`;
  // The outbox lives in Redis: a real one proves the http transport does not write there.
  const own = await startOwnRedis("email-http");
  redis = own.client();
  stopRedis = own.stop;
}, 60_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await stopRedis?.();
});

const saved = { ...process.env };
beforeEach(() => {
  received.splice(0);
  answers.splice(0);
  Object.assign(process.env, {
    EMAIL_TRANSPORT: "http",
    EMAIL_API_URL: providerUrl,
    EMAIL_API_KEY: "re_test_key_123",
    EMAIL_FROM: "Northwind <care@northwind.example>",
  });
});
afterEach(() => {
  for (const key of ["EMAIL_TRANSPORT", "EMAIL_API_URL", "EMAIL_API_KEY", "EMAIL_FROM"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const email = renderApologyEmail({
  shopName: "Northwind Outfitters",
  to: "maya@example.com",
  firstName: "Maya",
  orderName: "#1042",
  items: [{ name: "Trail runner · 42", units: 1, refundCents: 12_900 }],
  currency: "USD",
  code: "SORRY-ABC123",
  percentOff: 15,
  codeValidDays: 90,
});

describe("EMAIL_TRANSPORT=http", () => {
  it("POSTs the message as JSON with the bearer key and the message id as Idempotency-Key, and writes nothing to the outbox", async () => {
    const result = await sendEmail(redis, "apology-inc-1-1042", email);
    expect(result).toEqual({ sent: true, transport: "http", duplicate: false });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: "POST", url: "/emails" });
    expect(request!.headers).toMatchObject({
      authorization: "Bearer re_test_key_123",
      "idempotency-key": "apology-inc-1-1042",
      "content-type": "application/json",
    });
    expect(request!.body).toEqual({
      from: "Northwind <care@northwind.example>",
      to: ["maya@example.com"],
      subject: email.subject,
      html: email.html,
      text: email.text,
    });
    expect(email.text).toContain("SORRY-ABC123");
    expect(await redis.llen(outboxKeys.messages)).toBe(0);
  });

  it("a provider error is a failure naming the status; the retry carries the same Idempotency-Key and body", async () => {
    answers.push(503);
    expect(await sendEmail(redis, "apology-inc-2-1043", email)).toEqual({ sent: false, error: "email provider answered 503" });
    expect(await sendEmail(redis, "apology-inc-2-1043", email)).toEqual({ sent: true, transport: "http", duplicate: false });
    expect(received.map((r) => r.headers["idempotency-key"])).toEqual(["apology-inc-2-1043", "apology-inc-2-1043"]);
    expect(received[1]!.body).toEqual(received[0]!.body);
  });

  it("a 4xx (bad key) is a failure too, not a send", async () => {
    answers.push(401);
    expect(await sendEmail(redis, "apology-inc-3-1044", email)).toEqual({ sent: false, error: "email provider answered 401" });
  });

  it("an unreachable provider is a failure with the network error, not a throw", async () => {
    process.env.EMAIL_API_URL = `http://127.0.0.1:${await freePort()}/emails`;
    const result = await sendEmail(redis, "apology-inc-4-1045", email);
    expect(result.sent).toBe(false);
    expect(result.sent === false && result.error.length > 0).toBe(true);
    expect(received).toHaveLength(0);
  });

  it("without EMAIL_API_URL or EMAIL_API_KEY nothing is sent and the failure says what is missing", async () => {
    delete process.env.EMAIL_API_KEY;
    expect(await sendEmail(redis, "apology-inc-5-1046", email)).toEqual({
      sent: false,
      error: "EMAIL_API_URL and EMAIL_API_KEY are required for EMAIL_TRANSPORT=http",
    });
    expect(received).toHaveLength(0);
  });
});
