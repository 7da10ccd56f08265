import { createStorefrontClient } from "@shopify/hydrogen-react";
import { z } from "zod";
import { STOREFRONT_API_VERSION } from "./app-manifest";

/**
 * The one door to Shopify's Storefront API: hydrogen-react's `createStorefrontClient` for
 * the URL and headers, a typed request wrapper that validates every answer, and one error
 * shape. Real Shopify when `SHOPIFY_STORE_DOMAIN` + `SHOPIFY_STOREFRONT_ACCESS_TOKEN` are
 * set; `SHOPIFY_STOREFRONT_API_URL` points it at the local emulator.
 *
 * Pinned to the version of the schema hydrogen-react ships, which the documents are
 * validated against.
 */
export { STOREFRONT_API_VERSION };

const envSchema = z.object({
  SHOPIFY_STORE_DOMAIN: z.string().min(1),
  SHOPIFY_STOREFRONT_ACCESS_TOKEN: z.string().min(1),
  SHOPIFY_STOREFRONT_API_URL: z.url().optional(),
});

export class StorefrontError extends Error {
  constructor(
    readonly kind: "not_configured" | "unavailable" | "unauthorized" | "graphql" | "shape",
    message: string,
  ) {
    super(message);
    this.name = "StorefrontError";
  }
}

const responseSchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).passthrough().optional() })).optional(),
});

interface StorefrontConnection {
  url: string;
  headers: Record<string, string>;
}

/**
 * `buyerIp`: the shopper's IP for a call made on their behalf (carts), sent as
 * `Shopify-Storefront-Buyer-IP` so Shopify throttles and bot-checks per shopper rather than per
 * server (https://shopify.dev/docs/api/usage/authentication#optional-ip-header). Null for the
 * storefront's own reads (cached product shells), which no one shopper asked for.
 */
function connection(buyerIp: string | null): StorefrontConnection {
  const env = envSchema.safeParse(process.env);
  if (!env.success)
    throw new StorefrontError("not_configured", "Shopify Storefront API is not configured (SHOPIFY_STORE_DOMAIN, SHOPIFY_STOREFRONT_ACCESS_TOKEN)");
  const client = createStorefrontClient({
    storeDomain: env.data.SHOPIFY_STOREFRONT_API_URL ?? env.data.SHOPIFY_STORE_DOMAIN,
    privateStorefrontToken: env.data.SHOPIFY_STOREFRONT_ACCESS_TOKEN,
    storefrontApiVersion: STOREFRONT_API_VERSION,
  });
  return { url: client.getStorefrontApiUrl(), headers: client.getPrivateTokenHeaders(buyerIp ? { buyerIp } : undefined) };
}

/** Run one document; the data comes back validated by `dataSchema`, or a StorefrontError is thrown. */
export async function storefrontRequest<T>(
  document: string,
  variables: Record<string, unknown>,
  dataSchema: z.ZodType<T>,
  buyerIp: string | null = null,
): Promise<T> {
  const { url, headers } = connection(buyerIp);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query: document, variables }), cache: "no-store" });
  } catch (error) {
    throw new StorefrontError("unavailable", `Storefront API unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 401 || response.status === 403) throw new StorefrontError("unauthorized", `Storefront API refused the token (${response.status})`);
  if (!response.ok) throw new StorefrontError("unavailable", `Storefront API answered ${response.status}`);
  const body = responseSchema.safeParse(await response.json().catch(() => null));
  if (!body.success) throw new StorefrontError("shape", "Storefront API answered with something that is not a GraphQL response");
  if (body.data.errors?.length) throw new StorefrontError("graphql", body.data.errors.map((e) => e.message).join("; "));
  const data = dataSchema.safeParse(body.data.data);
  if (!data.success) throw new StorefrontError("shape", `unexpected Storefront response shape at ${data.error.issues[0]?.path.join(".") ?? "(root)"}`);
  return data.data;
}
