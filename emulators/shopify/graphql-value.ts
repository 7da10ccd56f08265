/**
 * The plain value every emulated GraphQL object is (Admin and Storefront alike), in a file of its
 * own so storefront and cart code need not import the Admin objects to name it.
 * graphql-js's default resolver reads it: scalars are properties, fields with arguments (or that
 * read live state) are functions of `args`; `__typename` is set so abstract positions resolve.
 */
export type GraphQLObject = Record<string, unknown>;
