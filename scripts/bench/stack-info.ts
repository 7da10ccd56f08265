import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { stackSecretsSchema } from "../stack/secrets";

/** Benchmarks run against a running `npm start`; they find it through its manifest. */
const manifestSchema = z.object({
  appUrl: z.url(),
  secretsFile: z.string(),
  emulators: z.record(z.string(), z.string()).default({}),
  services: z.array(z.object({ name: z.string(), url: z.string() })).default([]),
});

export function runningStack() {
  const file = path.resolve(import.meta.dirname, "..", "..", ".data", "stack.json");
  let manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    throw new Error(`no running stack found (${file}); start one with npm start`);
  }
  const bridgeUrl = manifest.services.find((s) => s.name === "upstash-rest bridge")?.url ?? null;
  return { appUrl: process.env.APP_URL ?? manifest.appUrl, emulators: manifest.emulators, bridgeUrl, secrets: stackSecretsSchema.parse(JSON.parse(readFileSync(manifest.secretsFile, "utf8"))) };
}

export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** A signed webhook, retried like a real sender retries (a reused keep-alive socket can be reset). */
export async function signedPost(url: string, body: unknown, secret: string, sign: (raw: string, secret: string) => string): Promise<Response> {
  const raw = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-signature-sha256": sign(raw, secret) }, body: raw });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}
