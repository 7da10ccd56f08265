import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/**
 * Shopify's real published schemas, built once per process: the Admin API 2026-10
 * introspection shipped with the emulator, and the Storefront schema that ships with
 * @shopify/hydrogen-react (a bare `{ "__schema": … }` introspection result).
 */
const ADMIN_SCHEMA_FILE = fileURLToPath(new URL("./schema/admin-2026-10.introspection.json.gz", import.meta.url));

let admin: GraphQLSchema | undefined;
let storefront: GraphQLSchema | undefined;

function introspection(raw: unknown, what: string): IntrospectionQuery {
  const value = raw !== null && typeof raw === "object" && "data" in raw ? raw.data : raw;
  if (value === null || typeof value !== "object" || !("__schema" in value)) throw new Error(`${what} is not an introspection result`);
  return value as IntrospectionQuery;
}

export function adminSchema(): GraphQLSchema {
  admin ??= buildClientSchema(introspection(JSON.parse(gunzipSync(readFileSync(ADMIN_SCHEMA_FILE)).toString("utf8")), "admin schema"));
  return admin;
}

export function storefrontSchema(): GraphQLSchema {
  if (!storefront) {
    const file = createRequire(import.meta.url).resolve("@shopify/hydrogen-react/storefront.schema.json");
    storefront = buildClientSchema(introspection(JSON.parse(readFileSync(file, "utf8")), "storefront schema"));
  }
  return storefront;
}
