import http from "node:http";
import { afterEach, beforeEach, vi } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { verifySignature } from "@/lib/http/hmac";
import { freePort } from "@/harness/ports";

/**
 * A stand-in for the app for the emulator tests: a loopback server that refuses what the real
 * webhook routes would refuse (bad signature, a body the app's parser rejects) and records the
 * rest, so a test fails if an emulator ever sends something the app could not take.
 */

export interface FakeAppDelivery<Body = unknown> {
  /** Arrival time (ms), for "arrives late" assertions. */
  at: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The exact bytes that were signed. */
  raw: Buffer;
  body: Body;
  /** What the app's parser made of the body; empty when no parser was given. */
  events: StockEvent[];
}

export interface FakeApp<Body = unknown> {
  /** Origin plus the `path` option: where to point the emulator's webhook. */
  url: string;
  deliveries: FakeAppDelivery<Body>[];
  /** Anything the app would have refused: bad signature, unparseable payload. */
  rejected: string[];
  /** Resolves once `n` deliveries arrived, or after `timeoutMs`; callers assert the count, so a timeout fails there with the real numbers. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  clear(): void;
  stop(): Promise<void>;
}

export interface FakeAppOptions {
  secret: string;
  /** Header carrying the base64 HMAC of the raw body. */
  signatureHeader?: "x-signature-sha256" | "x-shopify-hmac-sha256";
  /** The app's own parser for this source; a throw counts as a rejection (400). */
  parse?: (body: unknown) => StockEvent[];
  path?: string;
}

/** One header as a string ("" when absent), since Node gives `string | string[] | undefined`. */
export function deliveryHeader(d: Pick<FakeAppDelivery, "headers">, name: string): string {
  const value = d.headers[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/** `Body` only types what the caller reads back; the parser is what checks the shape. */
export async function startFakeApp<Body = unknown>({
  secret,
  signatureHeader = "x-signature-sha256",
  parse,
  path = "",
}: FakeAppOptions): Promise<FakeApp<Body>> {
  const deliveries: FakeAppDelivery<Body>[] = [];
  const rejected: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      if (!verifySignature(raw, deliveryHeader(req, signatureHeader), secret)) {
        rejected.push("bad signature");
        res.writeHead(401).end();
        return;
      }
      try {
        const body = JSON.parse(raw.toString("utf8")) as Body;
        deliveries.push({ at: Date.now(), path: req.url ?? "", headers: req.headers, raw, body, events: parse ? parse(body) : [] });
        res.writeHead(202).end();
      } catch (error) {
        rejected.push(error instanceof Error ? error.message : String(error));
        res.writeHead(400).end();
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}${path}`,
    deliveries,
    rejected,
    waitFor: async (n, timeoutMs = 3_000) => {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    },
    clear: () => {
      deliveries.splice(0);
      rejected.splice(0);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Seeded PRNG (mulberry32), so the emulators' ids, lags and delivery choices repeat run to run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Cleanups {
  push(stop: () => Promise<void>): void;
}

/**
 * Registers the per-test hooks the emulator suites share: the emulators' structured logs are not
 * under test, so console.log is silenced; whatever a test pushes is stopped after it, newest
 * first, so no server outlives its test.
 */
export function emulatorTestHooks(): Cleanups {
  const stops: (() => Promise<void>)[] = [];
  beforeEach(() => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    vi.restoreAllMocks();
  });
  return { push: (stop) => void stops.push(stop) };
}
