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
