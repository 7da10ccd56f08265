import { z } from "zod";
import { ADJUST_AVAILABLE_MUTATION, itemsBySkuQuery, VARIANTS_BY_SKU_QUERY } from "./admin-documents";
import { failure, retry } from "../http/call-result";
import { type ItemRefusal, refusalOf } from "./adjust-refusal";
import type { AdminResult, ShopifyAdmin, ThrottleStatus } from "./admin-client";

/** Inventory reads and writes on Shopify, reshaped from wire shapes into ours. */
const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
const variantsSchema = z.object({
  productVariants: z.object({
    pageInfo: pageInfoSchema,
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

/** Pages one search may take: `sku:` hits beyond the exact ones push exact ones to later pages. */
export const MAX_LOOKUP_PAGES = 4;

/**
 * One page of SKUs (≤ SKUS_PER_LOOKUP); `locations`: how many inventory levels to read per item.
 * The search is tokenized (look-alike SKUs match too), so it pages on until every SKU is found
 * or the results end.
 */
export async function lookupItems(admin: ShopifyAdmin, skus: readonly string[], locations: number): Promise<AdminResult<ShopifyItem[]>> {
  const wanted = new Set(skus);
  const nodes: z.infer<typeof variantsSchema>["productVariants"]["nodes"] = [];
  let after: string | null = null;
  let result: AdminResult<z.infer<typeof variantsSchema>> | null = null;
  for (let n = 0; n < MAX_LOOKUP_PAGES; n++) {
    const page: AdminResult<z.infer<typeof variantsSchema>> = await admin.request(
      VARIANTS_BY_SKU_QUERY,
      { query: skus.map(skuTerm).join(" OR "), first: skus.length, levels: Math.max(1, locations), after },
      variantsSchema,
    );
    result = page;
    if (page.kind !== "ok") return page;
    nodes.push(...page.data.productVariants.nodes);
    const found = new Set(nodes.flatMap((n) => (n.sku && wanted.has(n.sku) ? [n.sku] : [])));
    const { hasNextPage, endCursor }: z.infer<typeof pageInfoSchema> = page.data.productVariants.pageInfo;
    if (found.size === wanted.size || !hasNextPage || !endCursor) break;
    after = endCursor;
  }
  if (!result || result.kind !== "ok") return failure("no lookup page");
  const items = nodes.flatMap((node) =>
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

const itemsPageSchema = z.object({
  inventoryItems: z.object({
    pageInfo: pageInfoSchema,
    nodes: z.array(z.looseObject({ id: z.string(), sku: z.string().nullable() })),
  }),
});
const levelSchema = z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number() })) }).nullable();

/** Every inventory item holding one SKU, with `available` per Shopify location gid where it is stocked (absent = not stocked there). */
export interface SkuItems {
  sku: string;
  items: { inventoryItemId: string; available: Map<string, number> }[];
}

/** Items per page: comfortably above the SKUs asked (look-alike hits), within the 1,000-point query limit. */
export const itemsPerPage = (skus: number, locations: number): number => Math.min(250, Math.floor(998 / (1 + 2 * locations)), Math.max(50, skus * 4));

/** Shopify's requested cost of one `itemsBySkuQuery` page: connection 2 + per item (itself 1, per location its level 1 and quantities 1). */
export const itemsPageCost = (skus: number, locations: number): number => 2 + itemsPerPage(skus, locations) * (1 + 2 * locations);

/**
 * SKU → every inventory item with exactly that SKU, and its levels at `locationGids` (Shopify's
 * `sku:` search is tokenized, https://shopify.dev/docs/api/usage/search-syntax: hits are checked
 * for an exact SKU, and pages are read until the results end). A SKU with no item is left out.
 * `onPage` is called before each page (for the caller's token bucket).
 */
export async function findItems(
  admin: ShopifyAdmin,
  skus: readonly string[],
  locationGids: readonly string[],
  onPage: () => Promise<void> = async () => undefined,
): Promise<AdminResult<SkuItems[]>> {
  const wanted = new Set(skus);
  const found = new Map<string, SkuItems>();
  const document = itemsBySkuQuery(locationGids.length);
  const locationVars = Object.fromEntries(locationGids.map((gid, i) => [`l${i}`, gid]));
  let after: string | null = null;
  let throttle: ThrottleStatus | null = null;
  for (let page = 0; page < MAX_LOOKUP_PAGES * 4; page++) {
    await onPage();
    const result: AdminResult<z.infer<typeof itemsPageSchema>> = await admin.request(
      document,
      { query: skus.map(skuTerm).join(" OR "), first: itemsPerPage(skus.length, locationGids.length), after, ...locationVars },
      itemsPageSchema,
    );
    if (result.kind !== "ok") return result;
    throttle = result.throttle;
    for (const node of result.data.inventoryItems.nodes) {
      if (!node.sku || !wanted.has(node.sku)) continue;
      const available = new Map<string, number>();
      locationGids.forEach((gid, i) => {
        const level = levelSchema.safeParse(node[`l${i}`]);
        if (level.success && level.data) available.set(gid, level.data.quantities.find((q) => q.name === "available")?.quantity ?? 0);
      });
      const entry: SkuItems = found.get(node.sku) ?? { sku: node.sku, items: [] };
      if (!entry.items.some((i) => i.inventoryItemId === node.id)) entry.items.push({ inventoryItemId: node.id, available });
      found.set(node.sku, entry);
    }
    const { hasNextPage, endCursor }: z.infer<typeof pageInfoSchema> = result.data.inventoryItems.pageInfo;
    if (!hasNextPage || !endCursor) break;
    after = endCursor;
  }
  return { kind: "ok", data: [...found.values()], throttle };
}

export interface AvailableChange {
  inventoryItemId: string;
  locationId: string;
  delta: number;
}

/**
 * Relative `available` changes under one idempotency key. The mutation is all-or-nothing, so
 * any user error means nothing was applied. `ok` with a refusal (adjust-refusal.ts): items
 * Shopify refused (the rest can go again under a fresh key), or the whole call known not
 * applied (a fresh key). A concurrent use of the key or a momentary outage is a retry under the
 * same key (an outage spends the key: its retry answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED).
 */
export async function adjustAvailable(
  admin: ShopifyAdmin,
  key: string,
  changes: readonly AvailableChange[],
  referenceDocumentUri: string,
): Promise<AdminResult<ItemRefusal | null>> {
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
  const refusal = refusalOf(userErrors);
  switch (refusal.kind) {
    case "retry":
      return { ...retry("unavailable", 500), throttle: result.throttle };
    case "failure":
      return failure(refusal.message);
    default:
      return { ...result, data: refusal };
  }
}
