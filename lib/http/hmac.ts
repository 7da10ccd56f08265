import { createHmac, timingSafeEqual } from "node:crypto";

/** base64 HMAC-SHA256 of the raw body — Shopify's scheme, which the WMS, marketplace and POS share. */
export const signBody = (body: string | Buffer, secret: string): string => createHmac("sha256", secret).update(body).digest("base64");

/** Constant-time check of a base64 signature header against the raw body. */
export function verifySignature(body: Buffer, header: string | null, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(header.trim(), "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
