import { GraphQLError } from "graphql";
import { z } from "zod";
import { adjustmentGroupNode } from "./adjustment-group";
import type { AdjustmentGroupData } from "./adjustment-group-data";
import { checkInputArraySize, idempotentMutation, refused, type Args, type IdempotentOutcome, type MutationResolver } from "./admin-mutation";
import type { UserError } from "./mutation-payload";
import type { LocationRecord, VariantRecord } from "./shop-catalog";
import type { ShopState } from "./shop-state";

/**
 * inventoryAdjustQuantities and inventorySetQuantities with Shopify's 2026-04+ rules:
 * `@idempotent` required, `changeFromQuantity` required on every item (explicit null opts out
 * of the compare-and-swap), and all-or-nothing: any user error and nothing is applied.
 * Messages are the schema's own error-code descriptions.
 */

/** Shopify's inventory reasons (shopify.dev "Manage inventory quantities and states"). */
const REASONS = new Set([
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_created",
  "movement_updated",
  "movement_received",
  "movement_canceled",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
]);

const ADJUST_LIMIT = 2_000_000_000;
const SET_LIMIT = 1_000_000_000;

const changeSchema = z.object({
  inventoryItemId: z.string(),
  locationId: z.string(),
  delta: z.number().int(),
  changeFromQuantity: z.number().int().nullish(),
  ledgerDocumentUri: z.string().nullish(),
});
const adjustInputSchema = z.object({ name: z.string(), reason: z.string(), referenceDocumentUri: z.string().nullish(), changes: z.array(changeSchema) });

const quantitySchema = z.object({
  inventoryItemId: z.string(),
  locationId: z.string(),
  quantity: z.number().int(),
  changeFromQuantity: z.number().int().nullish(),
});
const setInputSchema = z.object({ name: z.string(), reason: z.string(), referenceDocumentUri: z.string().nullish(), quantities: z.array(quantitySchema) });

/** Presence, not value: an explicit `null` is the documented opt-out, a missing key is an error. */
function requireChangeFrom(items: unknown, inputType: string): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (item !== null && typeof item === "object" && !("changeFromQuantity" in item))
      throw new GraphQLError(`${inputType} must include the following argument: changeFromQuantity.`, { extensions: { code: "INVALID_FIELD_ARGUMENTS" } });
  }
}

const inputOf = (args: Args): Record<string, unknown> => (args.input !== null && typeof args.input === "object" ? (args.input as Record<string, unknown>) : {});

const validUri = (uri: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri);

function commonErrors(input: { reason: string; referenceDocumentUri?: string | null }): UserError[] {
  const errors: UserError[] = [];
  if (!REASONS.has(input.reason)) errors.push({ field: ["input", "reason"], message: "The specified reason is invalid.", code: "INVALID_REASON" });
  if (input.referenceDocumentUri != null && !validUri(input.referenceDocumentUri))
    errors.push({ field: ["input", "referenceDocumentUri"], message: "The specified reference document is invalid.", code: "INVALID_REFERENCE_DOCUMENT" });
  return errors;
}

type ChangeRecord = AdjustmentGroupData["changes"][number];

/** The answer and what a replay after a restart rebuilds it from. */
function applied(shop: ShopState, reason: string, referenceDocumentUri: string | null, changes: ChangeRecord[]): IdempotentOutcome {
  const group: AdjustmentGroupData = { id: shop.ids.adjustmentGroup.next(), createdAt: shop.now(), reason, referenceDocumentUri, changes };
  return { payload: { inventoryAdjustmentGroup: adjustmentGroupNode(shop, group), userErrors: [] }, replay: { kind: "adjustmentGroup", group } };
}

function failed(shop: ShopState, userErrors: UserError[]): IdempotentOutcome {
  shop.stats.counters.staleCas += userErrors.filter((e) => e.code === "CHANGE_FROM_QUANTITY_STALE").length;
  return refused({ inventoryAdjustmentGroup: null, userErrors });
}

const pairKey = (variant: VariantRecord, location: LocationRecord) => `${variant.stockKey}\u0000${location.id}`;

/** An injected server-side failure (faults.ts): nothing applied, the whole call refused. */
function injectedFailure(shop: ShopState): UserError[] {
  if (shop.faults.adjustFailures <= 0) return [];
  shop.faults.adjustFailures--;
  const code = shop.faults.adjustFailureCode;
  const message =
    code === "SERVICE_UNAVAILABLE" ? "The service is temporarily unavailable. Try again later." : "The quantities couldn't be adjusted. Try again.";
  return [{ field: null, message, code }];
}

/**
 * Per-item refusals that are not about the numbers: an item deleted (a re-created variant gets a
 * new inventory item id), a deactivated location ("could not be found" — Shopify's inactive
 * locations take no adjustments, https://help.shopify.com/en/manual/locations/deactivating-and-deleting-locations),
 * and a tracked bundle parent (NON_MUTABLE_INVENTORY_ITEM, schema description).
 */
function itemErrors(at: (field: string) => string[], variant: VariantRecord | undefined, location: LocationRecord | undefined): UserError[] {
  const errors: UserError[] = [];
  if (!variant) errors.push({ field: at("inventoryItemId"), message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" });
  else if (variant.bundleParent)
    errors.push({
      field: at("inventoryItemId"),
      message: "The specified inventory item is not allowed to be adjusted via API. Example: if the inventory item is a parent bundle.",
      code: "NON_MUTABLE_INVENTORY_ITEM",
    });
  if (!location || !location.active) errors.push({ field: at("locationId"), message: "The specified location could not be found.", code: "INVALID_LOCATION" });
  return errors;
}

function adjust(args: Args, shop: ShopState): IdempotentOutcome {
  const input = adjustInputSchema.parse(args.input);
  const injected = injectedFailure(shop);
  if (injected.length > 0) return failed(shop, injected);
  const errors = commonErrors(input);
  if (input.name !== "available") errors.push({ field: ["input", "name"], message: "The specified quantity name is invalid.", code: "INVALID_QUANTITY_NAME" });
  const running = new Map<string, number>();
  const resolved: { variant: VariantRecord; location: LocationRecord; delta: number; ledgerDocumentUri: string | null }[] = [];
  input.changes.forEach((change, i) => {
    const at = (field: string) => ["input", "changes", String(i), field];
    const variant = shop.catalog.variantByItemGid(change.inventoryItemId);
    const location = shop.catalog.locationByGid(change.locationId);
    errors.push(...itemErrors(at, variant, location));
    if (change.ledgerDocumentUri != null && input.name === "available")
      errors.push({
        field: at("ledgerDocumentUri"),
        message: "A ledger document URI is not allowed when adjusting available.",
        code: "INVALID_AVAILABLE_DOCUMENT",
      });
    if (!variant || !location) return;
    const key = pairKey(variant, location);
    const current = running.get(key) ?? shop.inventory.level(variant.stockKey, location.id).available;
    if (change.changeFromQuantity != null && change.changeFromQuantity !== current)
      errors.push({
        field: at("changeFromQuantity"),
        message: "The changeFromQuantity argument no longer matches the persisted quantity.",
        code: "CHANGE_FROM_QUANTITY_STALE",
      });
    const after = current + change.delta;
    if (after > ADJUST_LIMIT)
      errors.push({ field: at("delta"), message: "The quantity can't be higher than 2,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    if (after < -ADJUST_LIMIT)
      errors.push({ field: at("delta"), message: "The quantity can't be lower than -2,000,000,000.", code: "INVALID_QUANTITY_TOO_LOW" });
    running.set(key, after);
    resolved.push({ variant, location, delta: change.delta, ledgerDocumentUri: change.ledgerDocumentUri ?? null });
  });
  if (errors.length > 0) return failed(shop, errors);
  // Negative available is allowed, as on Shopify (oversold stock).
  const now = shop.now();
  const changes: ChangeRecord[] = [];
  for (const { variant, location, delta, ledgerDocumentUri } of resolved) {
    const level = shop.inventory.move(variant.stockKey, location.id, { available: delta }, now, "admin");
    const pair = { sku: variant.stockKey, locationId: location.id, ledgerDocumentUri };
    changes.push({ name: "available", delta, quantityAfterChange: level.available, ...pair });
    changes.push({ name: "on_hand", delta, quantityAfterChange: level.available + level.committed, ...pair });
  }
  shop.stats.counters.mutationsApplied++;
  return applied(shop, input.reason, input.referenceDocumentUri ?? null, changes);
}

function set(args: Args, shop: ShopState): IdempotentOutcome {
  const input = setInputSchema.parse(args.input);
  const errors = commonErrors(input);
  const name = input.name;
  if (name !== "available" && name !== "on_hand")
    errors.push({ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" });
  const seen = new Set<string>();
  const resolved: { variant: VariantRecord; location: LocationRecord; quantity: number }[] = [];
  input.quantities.forEach((item, i) => {
    const at = (field: string) => ["input", "quantities", String(i), field];
    const variant = shop.catalog.variantByItemGid(item.inventoryItemId);
    const location = shop.catalog.locationByGid(item.locationId);
    errors.push(...itemErrors(at, variant, location));
    if (item.quantity < 0) errors.push({ field: at("quantity"), message: "The quantity can't be negative.", code: "INVALID_QUANTITY_NEGATIVE" });
    if (item.quantity > SET_LIMIT)
      errors.push({ field: at("quantity"), message: "The total quantity can't be higher than 1,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    if (!variant || !location) return;
    const key = pairKey(variant, location);
    if (seen.has(key))
      errors.push({
        field: at("locationId"),
        message: "The combination of inventoryItemId and locationId must be unique.",
        code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
      });
    seen.add(key);
    if (name === "available" || name === "on_hand") {
      const current = shop.inventory.quantity(variant.stockKey, location.id, name);
      if (item.changeFromQuantity != null && item.changeFromQuantity !== current)
        errors.push({
          field: at("changeFromQuantity"),
          message: "The changeFromQuantity value does not match persisted value.",
          code: "CHANGE_FROM_QUANTITY_STALE",
        });
    }
    resolved.push({ variant, location, quantity: item.quantity });
  });
  if (errors.length > 0) return failed(shop, errors);
  const now = shop.now();
  const changes: ChangeRecord[] = [];
  for (const { variant, location, quantity } of resolved) {
    const before = shop.inventory.quantity(variant.stockKey, location.id, name);
    const delta = quantity - before;
    const level = shop.inventory.move(variant.stockKey, location.id, { available: delta }, now, "admin");
    const onHand = level.available + level.committed;
    const pair = { sku: variant.stockKey, locationId: location.id, ledgerDocumentUri: null };
    if (name === "available")
      changes.push(
        { name: "available", delta, quantityAfterChange: level.available, ...pair },
        { name: "on_hand", delta, quantityAfterChange: onHand, ...pair },
      );
    else
      changes.push(
        { name: "on_hand", delta, quantityAfterChange: onHand, ...pair },
        { name: "available", delta, quantityAfterChange: level.available, ...pair },
      );
  }
  shop.stats.counters.mutationsApplied++;
  return applied(shop, input.reason, input.referenceDocumentUri ?? null, changes);
}

/** Note what each change asked for on the request record, replays included, before any check. */
function recorded(
  mutation: "inventoryAdjustQuantities" | "inventorySetQuantities",
  list: "changes" | "quantities",
  resolver: MutationResolver,
): MutationResolver {
  return (args, context, info) => {
    const items = inputOf(args)[list];
    for (const item of Array.isArray(items) ? (items as unknown[]) : []) {
      const fields = item !== null && typeof item === "object" ? (item as Record<string, unknown>) : {};
      const itemGid = typeof fields.inventoryItemId === "string" ? fields.inventoryItemId : "";
      context.record.inventoryChanges.push({
        mutation,
        sku: context.shop.catalog.variantByItemGid(itemGid)?.sku ?? null,
        locationId: typeof fields.locationId === "string" ? fields.locationId : "",
        changeFromQuantity: typeof fields.changeFromQuantity === "number" ? fields.changeFromQuantity : null,
      });
    }
    return resolver(args, context, info);
  };
}

export function inventoryMutations(): Record<string, MutationResolver> {
  return {
    inventoryAdjustQuantities: recorded(
      "inventoryAdjustQuantities",
      "changes",
      idempotentMutation("inventoryAdjustQuantities", {
        spendFailedKeys: true,
        precheck: (args) => {
          checkInputArraySize(inputOf(args).changes, "changes");
          requireChangeFrom(inputOf(args).changes, "InventoryChangeInput");
        },
        run: (args, { shop }) => adjust(args, shop),
      }),
    ),
    inventorySetQuantities: recorded(
      "inventorySetQuantities",
      "quantities",
      idempotentMutation("inventorySetQuantities", {
        spendFailedKeys: true,
        precheck: (args) => {
          checkInputArraySize(inputOf(args).quantities, "quantities");
          requireChangeFrom(inputOf(args).quantities, "InventoryQuantityInput");
        },
        run: (args, { shop }) => set(args, shop),
      }),
    ),
  };
}
