/**
 * What every Admin mutation answers (`userErrors` plus its own fields), in a file of its own so
 * the shop's state and the replay schema can name it without importing the resolvers.
 */
export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

export interface MutationPayload {
  userErrors: UserError[];
  [field: string]: unknown;
}
