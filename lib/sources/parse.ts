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

/** Whole-unit money from a decimal string ("19.99") to minor units without float error. */
export function toMinorUnits(amount: string | number): number {
  const [whole = "0", fraction = ""] = String(amount).trim().split(".");
  const cents = Number(whole.replace("-", "")) * 100 + Number((fraction + "00").slice(0, 2));
  return whole.startsWith("-") ? -cents : cents;
}
