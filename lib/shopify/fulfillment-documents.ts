/**
 * Admin GraphQL documents for routing truth: a fulfillment order's assigned location and lines,
 * read when `fulfillment_orders/*` webhooks arrive (their bodies carry ids only). Checked against
 * the bundled 2026-10 schema by tests/unit/shopify-documents.test.ts's twin,
 * tests/unit/sources/shopify-routing.test.ts.
 * https://shopify.dev/docs/api/admin-graphql/latest/queries/fulfillmentOrder
 */
export const FULFILLMENT_ORDER_QUERY = /* GraphQL */ `
  query FulfillmentOrderRouting($id: ID!) {
    fulfillmentOrder(id: $id) {
      id
      status
      updatedAt
      order {
        id
      }
      assignedLocation {
        location {
          id
        }
      }
      lineItems(first: 250) {
        nodes {
          totalQuantity
          lineItem {
            id
            sku
          }
        }
      }
    }
  }
`;

export const ALL_FULFILLMENT_DOCUMENTS = { FULFILLMENT_ORDER_QUERY } as const;
