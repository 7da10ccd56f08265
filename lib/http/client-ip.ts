import { z } from "zod";

/**
 * The shopper's IP for a request that reached us, or null. The one place that decides it: on
 * Vercel the platform sets `x-real-ip` and puts the client first in `x-forwarded-for`
 * (https://vercel.com/docs/headers/request-headers#x-forwarded-for). Both headers are trusted as
 * the platform wrote them; a later security issue hardens this (other hosts, spoofed hops), so
 * keep every caller on this one function. Only a well-formed address comes back: the value goes
 * out as a header to Shopify (`Shopify-Storefront-Buyer-IP`).
 */
const ipSchema = z.union([z.ipv4(), z.ipv6()]);

export function clientIp(headers: Headers): string | null {
  const candidate = headers.get("x-real-ip")?.trim() || headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const parsed = ipSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}
