import { z } from "zod";

/**
 * The one way to read JSON we stored in Redis. `@upstash/redis` hands a stored JSON string back
 * already parsed (its automatic deserialisation) or as the string, depending on the command and
 * the value; either way the value is checked against the schema that describes what we wrote.
 * A value that is not what we wrote (an older layout, a hand edit) reads as null, never as a
 * cast: callers skip it instead of rendering or acting on a guess.
 */
export function decodeStored<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> | null {
  if (raw === null || raw === undefined) return null;
  const parsed = schema.safeParse(unwrap(raw));
  return parsed.success ? parsed.data : null;
}

/** Every value that decodes, in order; the others are dropped. */
export function decodeStoredList<T extends z.ZodType>(schema: T, raws: readonly unknown[]): z.infer<T>[] {
  return raws.flatMap((raw) => {
    const value = decodeStored(schema, raw);
    return value === null ? [] : [value];
  });
}

/** A zod field holding stored JSON (e.g. one hash field of a record decoded as a whole). */
export const storedJson = <T extends z.ZodType>(schema: T) =>
  z.unknown().transform((raw, ctx): z.infer<T> => {
    const parsed = schema.safeParse(unwrap(raw));
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path.map(String) });
    return z.NEVER;
  });

function unwrap(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // a plain string value: the schema decides whether that is valid
  }
}
