import { GraphQLError } from "graphql";
import type { ShopState } from "./shop-state";

/**
 * Level 2 protected customer data (name, email, phone, address) is redacted unless the app was
 * granted access; the emulator's app starts without it, as an app without approval does
 * (https://shopify.dev/docs/apps/launch/protected-customer-data: "Responses will include only
 * approved fields, and unapproved fields will be redacted. GraphQL requests to unapproved types
 * will return an HTTP 200 OK response with an error message in the errors hash", and its example:
 * the field is `null` in `data`, and an error names it by `path`). Since 2022-10 "APIs will redact
 * customer personal data by default" (https://shopify.dev/changelog/apps-can-now-request-access-to-necessary-protected-data).
 * The `ACCESS_DENIED` code is what Shopify's access errors carry
 * (https://shopify.dev/changelog/new-error-messages-for-graphql-operations-without-necessary-access-scopes).
 */
export const PROTECTED_DATA_DOC = "https://shopify.dev/docs/apps/launch/protected-customer-data";

/**
 * `displayName` is non-null: without access it reads "•••", the placeholder Shopify returns for
 * values the app may not read (https://shopify.dev/changelog/displayname-no-longer-exposes-unapproved-email-or-phone).
 */
export const redactedDisplayName = "•••";

function accessDenied(field: string): GraphQLError {
  const message =
    field === "Customer"
      ? `This app is not approved to access the Customer object. See ${PROTECTED_DATA_DOC} for more details.`
      : `This app is not approved to use the ${field} field. See ${PROTECTED_DATA_DOC} for more details.`;
  return new GraphQLError(message, { extensions: { code: "ACCESS_DENIED", documentation: PROTECTED_DATA_DOC } });
}

/** A Level 2 field: its value once the shop granted access, else null in `data` and an ACCESS_DENIED error at its path. */
export const protectedField =
  <T>(shop: ShopState, field: string, value: T) =>
  (): T => {
    if (!shop.protectedCustomerData) throw accessDenied(field);
    return value;
  };
