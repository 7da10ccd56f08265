import { isInteger, isSafeNumber, parse } from "lossless-json";

/**
 * JSON.parse that keeps integers beyond 2^53 as their digit string instead of rounding them:
 * Shopify ids (e.g. its 18-digit sample ids) would otherwise collide silently.
 */
export const parseJsonExact = (text: string): unknown => parse(text, null, (value) => (isInteger(value) && !isSafeNumber(value) ? value : Number(value)));
