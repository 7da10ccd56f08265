/**
 * Every Admin GraphQL document we send, as tagged constants (validated against Shopify's
 * published 2026-10 schema in tests/unit/shopify-documents.test.ts).
 */
const INVENTORY_LEVEL_FRAGMENT = /* GraphQL */ `
  fragment AvailableAtLocation on InventoryLevel {
    location {
      id
    }
    quantities(names: ["available"]) {
      name
      quantity
    }
  }
`;

/**
 * SKU → inventory item, with what Shopify holds per location. Cost = 2 + first × (4 + 3 ×
 * levels): keep first × levels small enough to stay far below the 1,000-point query limit.
 */
export const VARIANTS_BY_SKU_QUERY = /* GraphQL */ `
  query VariantsBySku($query: String!, $first: Int!, $levels: Int!, $after: String) {
    productVariants(first: $first, query: $query, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        sku
        inventoryItem {
          id
          inventoryLevels(first: $levels) {
            nodes {
              ...AvailableAtLocation
            }
          }
        }
      }
    }
  }
  ${INVENTORY_LEVEL_FRAGMENT}
`;

/**
 * Write path: SKU → inventory items (every item with the SKU: Shopify does not enforce unique
 * SKUs) with `available` at each policy location, one aliased `inventoryLevel(locationId:)`
 * per location (`l0`, `l1`, …; null = not stocked there). `sku:` is a tokenized search, so the
 * caller keeps exact hits only and pages on. Cost = 2 + first × (1 + 2 × locations).
 */
export function itemsBySkuQuery(locations: number): string {
  const vars = Array.from({ length: locations }, (_, i) => `, $l${i}: ID!`).join("");
  const levels = Array.from(
    { length: locations },
    (_, i) => `
        l${i}: inventoryLevel(locationId: $l${i}) {
          quantities(names: ["available"]) {
            name
            quantity
          }
        }`,
  ).join("");
  return /* GraphQL */ `
  query ItemsBySku($query: String!, $first: Int!, $after: String${vars}) {
    inventoryItems(first: $first, query: $query, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        sku${levels}
      }
    }
  }
`;
}

/** Event path: relative changes (they commute), so `changeFromQuantity: null` on each item. */
export const ADJUST_AVAILABLE_MUTATION = /* GraphQL */ `
  mutation AdjustAvailable($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** Reconciliation path only: absolute set with compare-and-swap (`changeFromQuantity` = value just read). */
export const SET_AVAILABLE_MUTATION = /* GraphQL */ `
  mutation SetAvailable($input: InventorySetQuantitiesInput!, $key: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/**
 * Reconciliation sweep: every inventory level at one location, 250 per page. Cost ≈ 2 + 250 ×
 * (level + item + quantities) ≈ 752, under the 1,000-point single-query limit.
 */
export const LOCATION_LEVELS_QUERY = /* GraphQL */ `
  query LocationLevels($location: ID!, $first: Int!, $after: String) {
    location(id: $location) {
      inventoryLevels(first: $first, after: $after) {
        nodes {
          item {
            id
            sku
          }
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

// ---- oversell recovery

const MONEY_SET_FRAGMENT = /* GraphQL */ `
  fragment ShopMoney on MoneyBag {
    shopMoney {
      amount
      currencyCode
    }
  }
`;

/**
 * The order behind an oversold line: who to tell and what it was worth. No line items: the
 * refund preview below names the line by id, so an order of any length works (a
 * `lineItems(first: 100)` page would miss line 101). Email and customer names are Level 2
 * protected data: without access they come back null with field-level ACCESS_DENIED errors.
 */
export const RECOVERY_ORDER_QUERY = /* GraphQL */ `
  query RecoveryOrder($id: ID!) {
    order(id: $id) {
      id
      name
      email
      createdAt
      cancelledAt
      presentmentCurrencyCode
      totalPriceSet {
        ...ShopMoney
      }
      customer {
        id
        firstName
        displayName
        defaultEmailAddress {
          emailAddress
        }
      }
    }
  }
  ${MONEY_SET_FRAGMENT}
`;

/**
 * What Shopify would refund for some units of one line: what the buyer paid (after discounts,
 * with tax) in presentment currency, and the transactions to send (gateway, parent payment).
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/SuggestedRefund
 */
export const RECOVERY_REFUND_PREVIEW_QUERY = /* GraphQL */ `
  query RecoveryRefundPreview($id: ID!, $lines: [RefundLineItemInput!]!) {
    order(id: $id) {
      displayFinancialStatus
      presentmentCurrencyCode
      suggestedRefund(refundLineItems: $lines) {
        refundLineItems {
          quantity
          lineItem {
            id
            name
          }
        }
        suggestedTransactions {
          gateway
          kind
          parentTransaction {
            id
          }
          amountSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
        }
      }
    }
  }
`;

/** 2026-04+: refundCreate requires @idempotent; the same key and input replay the first refund. */
export const RECOVERY_REFUND_MUTATION = /* GraphQL */ `
  mutation RecoveryRefund($input: RefundInput!, $key: String!) {
    refundCreate(input: $input) @idempotent(key: $key) {
      refund {
        id
        totalRefundedSet {
          presentmentMoney {
            amount
            currencyCode
          }
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/** Not idempotent at Shopify: a repeat answers TAKEN, and the code is then looked up. */
export const APOLOGY_CODE_MUTATION = /* GraphQL */ `
  mutation ApologyCode($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const DISCOUNT_BY_CODE_QUERY = /* GraphQL */ `
  query DiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
    }
  }
`;

export const ALL_ADMIN_DOCUMENTS = {
  VARIANTS_BY_SKU_QUERY,
  ITEMS_BY_SKU_QUERY_2_LOCATIONS: itemsBySkuQuery(2),
  ADJUST_AVAILABLE_MUTATION,
  SET_AVAILABLE_MUTATION,
  LOCATION_LEVELS_QUERY,
  RECOVERY_ORDER_QUERY,
  RECOVERY_REFUND_PREVIEW_QUERY,
  RECOVERY_REFUND_MUTATION,
  APOLOGY_CODE_MUTATION,
  DISCOUNT_BY_CODE_QUERY,
};
