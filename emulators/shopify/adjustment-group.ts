import type { AdjustmentGroupData } from "./adjustment-group-data";
import { inventoryItemNode, locationNode } from "./admin-objects";
import { graphqlDateTime } from "./format";
import type { GraphQLObject } from "./graphql-value";
import { gid } from "./ids";
import type { ShopState } from "./shop-state";

/**
 * The `InventoryAdjustmentGroup` an inventory mutation answers with, built from plain data so
 * an idempotent replay can rebuild it after a restart (the state file keeps this data).
 */
type Args = Record<string, unknown>;

/** Item and location are looked up once, here: a change whose product was deleted since a restart is left out. */
export function adjustmentGroupNode(shop: ShopState, data: AdjustmentGroupData): GraphQLObject {
  const changes = data.changes.flatMap((c) => {
    const variant = shop.catalog.variantByStockKey(c.sku);
    const location = shop.catalog.locationById(c.locationId);
    return variant && location ? [{ ...c, variant, location }] : [];
  });
  return {
    __typename: "InventoryAdjustmentGroup",
    id: gid("InventoryAdjustmentGroup", data.id),
    createdAt: graphqlDateTime(data.createdAt),
    reason: data.reason,
    referenceDocumentUri: data.referenceDocumentUri,
    app: null,
    staffMember: null,
    changes: (args: Args) => {
      const only = (list: unknown) => (Array.isArray(list) ? new Set(list.filter((x): x is string => typeof x === "string")) : null);
      const items = only(args.inventoryItemIds);
      const locations = only(args.locationIds);
      const names = only(args.quantityNames);
      return changes
        .filter((c) => (!items || items.has(c.variant.inventoryItemGid)) && (!locations || locations.has(c.location.gid)) && (!names || names.has(c.name)))
        .map((c) => ({
          __typename: "InventoryChange",
          name: c.name,
          delta: c.delta,
          quantityAfterChange: c.quantityAfterChange,
          ledgerDocumentUri: c.ledgerDocumentUri,
          item: () => inventoryItemNode(shop, c.variant),
          location: () => locationNode(shop, c.location),
        }));
    },
  };
}
