import { z } from "zod";
import { LOCATION_LEVELS_QUERY, SET_AVAILABLE_MUTATION } from "./admin-documents";
import { failure } from "../http/call-result";
import type { AdminResult, ShopifyAdmin } from "./admin-client";

/** Reconciliation's reads and writes on Shopify: a location sweep, and absolute sets with CAS. */
export const LEVELS_PER_PAGE = 250;
/** Requested cost of one sweep page (connection 2 + per level: level, item, quantities). */
export const levelsPageCost = (first: number): number => 2 + first * 3;

const levelsSchema = z.object({
  location: z
    .object({
      inventoryLevels: z.object({
        nodes: z.array(
          z.object({
            item: z.object({ id: z.string(), sku: z.string().nullable() }),
            quantities: z.array(z.object({ name: z.string(), quantity: z.number() })),
          }),
        ),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
      }),
    })
    .nullable(),
});

export interface LevelRead {
  sku: string;
  inventoryItemId: string;
  available: number;
}

export async function readLocationLevels(
  admin: ShopifyAdmin,
  locationGid: string,
  after: string | null,
): Promise<AdminResult<{ levels: LevelRead[]; next: string | null }>> {
  const result = await admin.request(LOCATION_LEVELS_QUERY, { location: locationGid, first: LEVELS_PER_PAGE, after }, levelsSchema);
  if (result.kind !== "ok") return result;
  const connection = result.data.location?.inventoryLevels;
  if (!connection) return { kind: "error", message: `Shopify has no location ${locationGid}` };
  const levels = connection.nodes.flatMap((n) =>
    n.item.sku ? [{ sku: n.item.sku, inventoryItemId: n.item.id, available: n.quantities.find((q) => q.name === "available")?.quantity ?? 0 }] : [],
  );
  return { ...result, data: { levels, next: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null } };
}

const setSchema = z.object({
  inventorySetQuantities: z
    .object({ userErrors: z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string(), code: z.string().nullish() })) })
    .nullable(),
});

export interface CasQuantity {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  /** The value just read: Shopify refuses the whole set if any level moved since (I6). */
  changeFromQuantity: number;
}

/** `applied`, or `stale`: a level moved since it was read, and Shopify refused the whole set (the CAS guard held). User errors of another kind are a failure. */
export async function setAvailableCas(
  admin: ShopifyAdmin,
  key: string,
  quantities: readonly CasQuantity[],
  referenceDocumentUri: string,
): Promise<AdminResult<"applied" | "stale">> {
  const result = await admin.request(
    SET_AVAILABLE_MUTATION,
    { key, input: { name: "available", reason: "correction", referenceDocumentUri, quantities } },
    setSchema,
  );
  if (result.kind !== "ok") return result;
  const errors = result.data.inventorySetQuantities?.userErrors ?? [];
  if (errors.length === 0) return { ...result, data: "applied" };
  if (errors.some((e) => e.code === "CHANGE_FROM_QUANTITY_STALE")) return { ...result, data: "stale" };
  return failure(errors.map((e) => `${e.code ?? "ERROR"}: ${e.message}`).join("; "));
}
