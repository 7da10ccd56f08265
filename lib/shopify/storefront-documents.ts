/**
 * Every Storefront GraphQL document the shop sends, as tagged constants with shared
 * fragments (validated against the Storefront schema hydrogen-react ships, in
 * tests/unit/shopify-documents.test.ts). Stock numbers are never asked for here: the
 * shell is cached for long, and stock comes live from /api/stock.
 */
const MONEY_FRAGMENT = /* GraphQL */ `
  fragment Money on MoneyV2 {
    amount
    currencyCode
  }
`;

const IMAGE_FRAGMENT = /* GraphQL */ `
  fragment ProductImage on Image {
    url
    altText
    width
    height
  }
`;

const VARIANT_FRAGMENT = /* GraphQL */ `
  fragment Variant on ProductVariant {
    id
    sku
    title
    price {
      ...Money
    }
    image {
      ...ProductImage
    }
    selectedOptions {
      name
      value
    }
  }
`;

const PRODUCT_CARD_FRAGMENT = /* GraphQL */ `
  fragment ProductCard on Product {
    id
    handle
    title
    featuredImage {
      ...ProductImage
    }
    priceRange {
      minVariantPrice {
        ...Money
      }
      maxVariantPrice {
        ...Money
      }
    }
    variants(first: 250) {
      nodes {
        ...Variant
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const PRODUCT_DETAIL_FRAGMENT = /* GraphQL */ `
  fragment ProductDetail on Product {
    ...ProductCard
    description
    descriptionHtml
    updatedAt
    seo {
      title
      description
    }
    options(first: 10) {
      name
      optionValues {
        name
      }
    }
  }
`;

export const PRODUCT_QUERY = /* GraphQL */ `
  query Product($handle: String!) {
    product(handle: $handle) {
      ...ProductDetail
    }
  }
  ${PRODUCT_DETAIL_FRAGMENT}
  ${PRODUCT_CARD_FRAGMENT}
  ${VARIANT_FRAGMENT}
  ${IMAGE_FRAGMENT}
  ${MONEY_FRAGMENT}
`;

/**
 * The variants after the first page (Shopify allows 2,048 per product and pages by at most
 * 250; https://shopify.dev/changelog/the-product-variant-limit-is-now-2048-for-all-merchants).
 */
export const PRODUCT_VARIANTS_QUERY = /* GraphQL */ `
  query ProductVariants($id: ID!, $after: String!) {
    product(id: $id) {
      variants(first: 250, after: $after) {
        nodes {
          ...Variant
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${VARIANT_FRAGMENT}
  ${IMAGE_FRAGMENT}
  ${MONEY_FRAGMENT}
`;

export const COLLECTION_PRODUCTS_QUERY = /* GraphQL */ `
  query CollectionProducts($handle: String!, $first: Int!, $after: String) {
    collection(handle: $handle) {
      id
      handle
      title
      description
      products(first: $first, after: $after) {
        nodes {
          ...ProductCard
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${PRODUCT_CARD_FRAGMENT}
  ${VARIANT_FRAGMENT}
  ${IMAGE_FRAGMENT}
  ${MONEY_FRAGMENT}
`;

const CART_FRAGMENT = /* GraphQL */ `
  fragment Cart on Cart {
    id
    checkoutUrl
    totalQuantity
    cost {
      subtotalAmount {
        ...Money
      }
      totalAmount {
        ...Money
      }
    }
    lines(first: 100) {
      nodes {
        id
        quantity
        cost {
          totalAmount {
            ...Money
          }
        }
        merchandise {
          ... on ProductVariant {
            ...Variant
            product {
              handle
              title
            }
          }
        }
      }
    }
  }
`;

const CART_DOCUMENT_FRAGMENTS = `${CART_FRAGMENT}${VARIANT_FRAGMENT}${IMAGE_FRAGMENT}${MONEY_FRAGMENT}`;

const CART_USER_ERRORS = /* GraphQL */ `
    userErrors {
      field
      message
      code
    }
    warnings {
      code
      message
    }
`;

export const CART_QUERY = /* GraphQL */ `
  query Cart($cartId: ID!) {
    cart(id: $cartId) {
      ...Cart
    }
  }
  ${CART_DOCUMENT_FRAGMENTS}
`;

/** Every cart mutation answers the same: the whole cart, user errors and warnings. */
const cartMutation = (operation: string, variables: string, call: string) => /* GraphQL */ `
  mutation ${operation}(${variables}) {
    ${call} {
      cart {
        ...Cart
      }
      ${CART_USER_ERRORS}
    }
  }
  ${CART_DOCUMENT_FRAGMENTS}
`;

export const CART_CREATE_MUTATION = cartMutation("CartCreate", "$lines: [CartLineInput!]", "cartCreate(input: { lines: $lines })");
export const CART_LINES_ADD_MUTATION = cartMutation("CartLinesAdd", "$cartId: ID!, $lines: [CartLineInput!]!", "cartLinesAdd(cartId: $cartId, lines: $lines)");
export const CART_LINES_UPDATE_MUTATION = cartMutation(
  "CartLinesUpdate",
  "$cartId: ID!, $lines: [CartLineUpdateInput!]!",
  "cartLinesUpdate(cartId: $cartId, lines: $lines)",
);
export const CART_LINES_REMOVE_MUTATION = cartMutation(
  "CartLinesRemove",
  "$cartId: ID!, $lineIds: [ID!]!",
  "cartLinesRemove(cartId: $cartId, lineIds: $lineIds)",
);

export const ALL_STOREFRONT_DOCUMENTS = {
  PRODUCT_QUERY,
  PRODUCT_VARIANTS_QUERY,
  COLLECTION_PRODUCTS_QUERY,
  CART_QUERY,
  CART_CREATE_MUTATION,
  CART_LINES_ADD_MUTATION,
  CART_LINES_UPDATE_MUTATION,
  CART_LINES_REMOVE_MUTATION,
};
