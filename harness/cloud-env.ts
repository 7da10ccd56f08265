/**
 * A developer's shell may export real cloud credentials; every stack a test launches would then
 * seed and write into that database. vitest.config.ts drops them in Vitest's main process, before
 * any worker or global setup starts; `npm test` plants canaries so the whole suite proves it.
 */
export const CLOUD_ENV = ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "KV_REST_API_URL", "KV_REST_API_TOKEN", "REDIS_URL", "EDGE_CONFIG"] as const;

export function dropCloudEnv(env: Record<string, string | undefined>): void {
  for (const name of CLOUD_ENV) delete env[name];
}
