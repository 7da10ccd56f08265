import http from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listenHttp } from "@/harness/ports";
import { alertBody, sendAlert, type Alert } from "@/workers/alerts";
import { captureLogs, eventsNamed, type LogLine } from "../../support/worker-world";

/** workers/alerts.ts: the two body shapes, and delivery to a loopback receiver that answers what the test says. */
const received: { headers: http.IncomingHttpHeaders; method: string | undefined; body: unknown }[] = [];
let status = 202;
const server = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (c: Buffer) => (raw += c.toString()));
  req.on("end", () => {
    received.push({ headers: req.headers, method: req.method, body: JSON.parse(raw) as unknown });
    res.writeHead(status).end();
  });
});
let url: string;
let logs: LogLine[];
const ENV = ["ALERT_WEBHOOK_URL", "ALERT_WEBHOOK_FORMAT", "ALERT_ROUTING_KEY"];

beforeAll(async () => {
  url = await listenHttp(server, "127.0.0.1", 0, "alert receiver");
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  status = 202;
  for (const key of ENV) delete process.env[key];
  logs = captureLogs();
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const key of ENV) delete process.env[key];
});

const drift: Alert = { kind: "drift", summary: "2 SKU location(s) drifted", details: [{ sku: "A", drift: 4 }] };

describe("alertBody", () => {
  it("PagerDuty without a dedup key or severity: no dedup_key, severity warning", () => {
    expect(alertBody(drift, "pagerduty", "rk-1")).toEqual({
      routing_key: "rk-1",
      event_action: "trigger",
      payload: {
        summary: "2 SKU location(s) drifted",
        source: "stock-layer",
        severity: "warning",
        component: "drift",
        custom_details: [{ sku: "A", drift: 4 }],
      },
    });
  });

  it("Slack: the summary as text and as a bold section with the details as a code block", () => {
    expect(alertBody(drift, "slack", "ignored")).toEqual({
      text: ":rotating_light: 2 SKU location(s) drifted",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: `*2 SKU location(s) drifted*\n\`\`\`${JSON.stringify(drift.details, null, 1)}\`\`\`` } }],
    });
  });

  it("Slack: details are cut at 2,500 characters (Slack refuses longer sections)", () => {
    const big = { ...drift, details: "x".repeat(5_000) };
    const body = alertBody(big, "slack", "") as { blocks: { text: { text: string } }[] };
    expect(body.blocks[0]!.text.text).toBe(`*${big.summary}*\n\`\`\`"${"x".repeat(2_499)}\`\`\``);
  });
});

describe("sendAlert", () => {
  it("without ALERT_WEBHOOK_URL: false, nothing sent", async () => {
    await expect(sendAlert(drift)).resolves.toBe(false);
    expect(received).toEqual([]);
  });

  it("Slack by default: one JSON POST, true, logged", async () => {
    process.env.ALERT_WEBHOOK_URL = url;
    await expect(sendAlert(drift)).resolves.toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe("POST");
    expect(received[0]!.headers["content-type"]).toBe("application/json");
    expect(received[0]!.body).toEqual(alertBody(drift, "slack", ""));
    expect(eventsNamed(logs, "alert.sent")).toEqual([expect.objectContaining({ level: "info", kind: "drift", format: "slack" })]);
  });

  it("Slack named explicitly is Slack", async () => {
    Object.assign(process.env, { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_FORMAT: "slack" });
    await expect(sendAlert(drift)).resolves.toBe(true);
    expect(received[0]!.body).toEqual(alertBody(drift, "slack", ""));
  });

  it("PagerDuty with the routing key from env", async () => {
    Object.assign(process.env, { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_FORMAT: "pagerduty", ALERT_ROUTING_KEY: "routing-9" });
    const alert: Alert = { ...drift, kind: "oversell_escalation", dedupKey: "inc:1", severity: "error" };
    await sendAlert(alert);
    expect(received[0]!.body).toEqual(alertBody(alert, "pagerduty", "routing-9"));
    expect(received[0]!.body).toMatchObject({ routing_key: "routing-9", dedup_key: "inc:1" });
    expect(eventsNamed(logs, "alert.sent")[0]).toMatchObject({ kind: "oversell_escalation", format: "pagerduty" });
  });

  it("a receiver answering non-2xx: throws with the status, not logged as sent", async () => {
    process.env.ALERT_WEBHOOK_URL = url;
    status = 500;
    await expect(sendAlert(drift)).rejects.toThrow("alert webhook answered 500");
    expect(eventsNamed(logs, "alert.sent")).toEqual([]);
  });

  it("a bad format or URL in env is refused, not guessed", async () => {
    Object.assign(process.env, { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_FORMAT: "teams" });
    await expect(sendAlert(drift)).rejects.toThrow();
    Object.assign(process.env, { ALERT_WEBHOOK_URL: "not a url", ALERT_WEBHOOK_FORMAT: "slack" });
    await expect(sendAlert(drift)).rejects.toThrow();
    expect(received).toEqual([]);
  });
});
