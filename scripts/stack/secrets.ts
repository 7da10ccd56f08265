import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Local-stack secrets: made once per checkout, kept in the git-ignored data folder. */
export const stackSecretsSchema = z.object({
  upstashToken: z.string().min(16),
  edgeConfigToken: z.string().min(16),
  cronSecret: z.string().min(16),
  wmsWebhookSecret: z.string().min(16),
  shopifyWebhookSecret: z.string().min(16),
  marketplaceWebhookSecret: z.string().min(16),
  posWebhookSecret: z.string().min(16),
  shopifyAdminToken: z.string().min(16),
  /** The Dev Dashboard app's client credentials: the app buys expiring Admin tokens with them. */
  shopifyClientId: z.string().min(16),
  shopifyClientSecret: z.string().min(16),
  shopifyStorefrontToken: z.string().min(16),
  marketplaceApiKey: z.string().min(16),
  erpApiKey: z.string().min(16),
  /** The merchant's /ops password on the local stack. */
  opsPassword: z.string().min(12),
});
export type StackSecrets = z.infer<typeof stackSecretsSchema>;

const fresh = (): StackSecrets => {
  const secret = () => randomBytes(24).toString("base64url");
  return {
    upstashToken: secret(),
    edgeConfigToken: secret(),
    cronSecret: secret(),
    wmsWebhookSecret: secret(),
    shopifyWebhookSecret: secret(),
    marketplaceWebhookSecret: secret(),
    posWebhookSecret: secret(),
    shopifyAdminToken: `shpat_${secret()}`,
    shopifyClientId: secret(),
    shopifyClientSecret: secret(),
    shopifyStorefrontToken: secret(),
    marketplaceApiKey: secret(),
    erpApiKey: secret(),
    opsPassword: randomBytes(12).toString("base64url"),
  };
};

export function loadOrCreateSecrets(dataDir: string): StackSecrets {
  const file = path.join(dataDir, "secrets.json");
  // Keep the secrets a previous run made; add any a newer version needs.
  const previous = existsSync(file) ? stackSecretsSchema.partial().safeParse(JSON.parse(readFileSync(file, "utf8"))) : null;
  const secrets = { ...fresh(), ...(previous?.success ? previous.data : {}) };
  if (previous?.success && Object.keys(previous.data).length === Object.keys(secrets).length) return secrets;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The app's env for these secrets (names as on Vercel). */
export const appSecretEnv = (s: StackSecrets): Record<string, string> => ({
  CRON_SECRET: s.cronSecret,
  WMS_WEBHOOK_SECRET: s.wmsWebhookSecret,
  SHOPIFY_WEBHOOK_SECRET: s.shopifyWebhookSecret,
  MARKETPLACE_WEBHOOK_SECRET: s.marketplaceWebhookSecret,
  POS_WEBHOOK_SECRET: s.posWebhookSecret,
  OPS_PASSWORD: s.opsPassword,
});
