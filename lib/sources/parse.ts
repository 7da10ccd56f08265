import type { z } from "zod";
import { stockEventSchema, type StockEvent } from "../domain/events";
import { payloadErrorFromZod } from "./payload-error";

/** Parse with a zod schema, turning the first issue into a PayloadError naming its field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, body: unknown, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw payloadErrorFromZod(result.error, prefix);
  return result.data;
}

/** Final check of what a source produced, blamed on the payload path that produced it. */
export const checkEvent = (event: unknown, path: readonly PropertyKey[]): StockEvent => parseOrThrow(stockEventSchema, event, path);
