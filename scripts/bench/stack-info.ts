import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { stackSecretsSchema } from "../stack/secrets";

/** Benchmarks run against a running `npm start`; they find it through its manifest. */
const manifestSchema = z.object({ appUrl: z.url(), secretsFile: z.string() });

export function runningStack() {
  const file = path.resolve(import.meta.dirname, "..", "..", ".data", "stack.json");
  let manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    throw new Error(`no running stack found (${file}); start one with npm start`);
  }
  return { appUrl: process.env.APP_URL ?? manifest.appUrl, secrets: stackSecretsSchema.parse(JSON.parse(readFileSync(manifest.secretsFile, "utf8"))) };
}

export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
