import { readFileSync } from "node:fs";
import path from "node:path";
import { policySchema, type Policy } from "@/lib/config/policy";

/** The stack's policy (scripts/stack/edge-config.json), parsed, for tests that need one. */
export const stackPolicy = (): Policy =>
  policySchema.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, "..", "..", "scripts", "stack", "edge-config.json"), "utf8")));
