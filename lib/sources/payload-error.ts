import type { z } from "zod";

/** An authentic payload we cannot use: answered with 400 naming `field`, kept as a dead letter. */
export class PayloadError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "PayloadError";
    this.field = field;
  }
}

/** The first zod issue as a PayloadError whose field is the dotted path, e.g. `events.3.quantity`. */
export function payloadErrorFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): PayloadError {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].map(String).join(".") || "(body)";
  return new PayloadError(path, issue?.message ?? "invalid");
}

/**
 * One line of an authentic payload that cannot be used while the rest can (a SKU over the
 * length limit): the parser skips it and records it here; intake answers 2xx for the good
 * lines and dead-letters the delivery naming these fields, since a 4xx only buys Shopify's
 * retries of the same bytes (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism).
 */
export interface RejectedLine {
  field: string;
  error: string;
}

/** Collects the RejectedLines of one payload (zod's first issue per line, like PayloadError). */
export function rejectLine(into: RejectedLine[], error: z.ZodError, prefix: readonly PropertyKey[]): void {
  const { field, message } = payloadErrorFromZod(error, prefix);
  into.push({ field, error: message });
}
