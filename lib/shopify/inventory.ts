import { z } from "zod";
import { ADJUST_AVAILABLE_MUTATION, VARIANTS_BY_SKU_QUERY } from "./admin-documents";
import { failure, retry } from "../http/call-result";
import type { AdminResult, ShopifyAdmin } from "./admin-client";

/** Inventory reads and writes on Shopify, reshaped from wire shapes into ours. */
const variantsSchema = z.object({
  productVariants: z.object({
    nodes: z.array(
      z.object({
        sku: z.string().nullable(),
        inventoryItem: z.object({
          id: z.string(),
          inventoryLevels: z.object({
            nodes: z.array(z.object({ location: z.object({ id: z.string() }), quantities: z.array(z.object({ name: z.string(), quantity: z.number() })) })),
          }),
        }),
      }),
    ),
  }),
});

const userErrorsSchema = z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string(), code: z.string().nullish() }));
const adjustSchema = z.object({ inventoryAdjustQuantities: z.object({ userErrors: userErrorsSchema }).nullable() });

export interface ShopifyItem {
  sku: string;
  inventoryItemId: string;
  /** Shopify location gid → `available`. */
  available: Map<string, number>;
}

/** Shopify search syntax: quote SKUs that are not a plain token. */
const skuTerm = (sku: string) => (/^[A-Za-z0-9._-]+$/.test(sku) ? `sku:${sku}` : `sku:"${sku.replaceAll('"', '\\"')}"`);

export const SKUS_PER_LOOKUP = 25;

/**
 * Shopify's requested cost of one lookup page: connection 2 + per variant (itself 1, item 1,
 * levels connection 2 + per level: itself, its location, its quantities list, 1 each).
 */
export const lookupCost = (skus: number, locations: number): number => 2 + skus * (4 + 3 * Math.max(1, locations));

/** One page of SKUs (≤ SKUS_PER_LOOKUP); `locations`: how many inventory levels to read per item. */
export async function lookupItems(admin: ShopifyAdmin, skus: readonly string[], locations: number): Promise<AdminResult<ShopifyItem[]>> {
  const result = await admin.request(
    VARIANTS_BY_SKU_QUERY,
    { query: skus.map(skuTerm).join(" OR "), first: skus.length, levels: Math.max(1, locations) },
    variantsSchema,
  );
  if (result.kind !== "ok") return result;
  const wanted = new Set(skus);
  const items = result.data.productVariants.nodes.flatMap((node) =>
    node.sku && wanted.has(node.sku)
      ? [
          {
            sku: node.sku,
            inventoryItemId: node.inventoryItem.id,
            available: new Map(
              node.inventoryItem.inventoryLevels.nodes.map((level) => [level.location.id, level.quantities.find((q) => q.name === "available")?.quantity ?? 0]),
            ),
          },
        ]
      : [],
  );
  return { ...result, data: items };
}

export interface AvailableChange {
  inventoryItemId: string;
  locationId: string;
  delta: number;
}

/**
 * Relative `available` changes under one idempotency key. Shopify answers a concurrent use of
 * the key or a momentary outage with user errors: those are a retry; other user errors a failure.
 */
export async function adjustAvailable(
  admin: ShopifyAdmin,
  key: string,
  changes: readonly AvailableChange[],
  referenceDocumentUri: string,
): Promise<AdminResult<null>> {
  const result = await admin.request(
    ADJUST_AVAILABLE_MUTATION,
    {
      key,
      input: {
        name: "available",
        reason: "correction",
        referenceDocumentUri,
        changes: changes.map((c) => ({ inventoryItemId: c.inventoryItemId, locationId: c.locationId, delta: c.delta, changeFromQuantity: null })),
      },
    },
    adjustSchema,
  );
  if (result.kind !== "ok") return result;
  const userErrors = result.data.inventoryAdjustQuantities?.userErrors ?? [];
  if (userErrors.length === 0) return { ...result, data: null };
  const codes = userErrors.map((e) => e.code ?? "UNKNOWN");
  if (codes.includes("IDEMPOTENCY_CONCURRENT_REQUEST") || codes.includes("SERVICE_UNAVAILABLE"))
    return { ...retry("unavailable", 500), throttle: result.throttle };
  return failure(`${codes.join(",")}: ${userErrors.map((e) => e.message).join("; ")}`);
}
