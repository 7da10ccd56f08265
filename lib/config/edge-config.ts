import { createClient, type EdgeConfigClient } from "@vercel/edge-config";
import { log, errorMessage } from "../log";
import { policySchema, type Policy } from "./policy";

/**
 * Reads the global policy from Edge Config (`EDGE_CONFIG`: Vercel's connection string, or the
 * local Edge Config server's URL). Hot paths call this per request, so the parsed policy is
 * kept in memory for a short time and refreshed in the background; an invalid policy is
 * refused and the last good one kept.
 */
const FRESH_MS = 2_000;

/** Where the policy comes from: a function that answers with the current policy. */
export type PolicySource = () => Promise<Policy>;

/** A policy source over one Edge Config connection, with its own short-lived cache. */
export function createPolicySource(connection: string | undefined): PolicySource {
  let client: EdgeConfigClient | undefined;
  let cached: { policy: Policy; at: number } | undefined;
  let refreshing: Promise<Policy> | undefined;

  async function fetchPolicy(): Promise<Policy> {
    if (!connection) throw new Error("Edge Config is not configured: set EDGE_CONFIG");
    client ??= createClient(connection);
    const items = await client.getAll();
    const parsed = policySchema.safeParse(items);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`Edge Config policy is invalid at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
    }
    cached = { policy: parsed.data, at: Date.now() };
    return parsed.data;
  }

  function refresh(): Promise<Policy> {
    refreshing ??= fetchPolicy().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  return async () => {
    if (!cached) return refresh();
    if (Date.now() - cached.at > FRESH_MS) {
      // Serve the current policy now; the next request sees the refreshed one.
      refresh().catch((error: unknown) => log.warn("policy.refresh_failed", { error: errorMessage(error) }));
    }
    return cached.policy;
  };
}

let processSource: PolicySource | undefined;

/** The app's policy (this process's EDGE_CONFIG). Tests build their own source or context instead. */
export const getPolicy = (): Promise<Policy> => (processSource ??= createPolicySource(process.env.EDGE_CONFIG))();
