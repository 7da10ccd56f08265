import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/http/client-ip";

describe("clientIp (the shopper's address for Shopify-Storefront-Buyer-IP)", () => {
  it("takes Vercel's x-real-ip first", () => {
    expect(clientIp(new Headers({ "x-real-ip": "203.0.113.7", "x-forwarded-for": "198.51.100.1, 10.0.0.1" }))).toBe("203.0.113.7");
  });

  it("else the first x-forwarded-for hop, IPv6 included", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": " 2001:db8::1 , 10.0.0.1" }))).toBe("2001:db8::1");
    expect(clientIp(new Headers({ "x-forwarded-for": "198.51.100.1, 10.0.0.1" }))).toBe("198.51.100.1");
  });

  it("answers null for no header or something that is not an IP (nothing made up is sent to Shopify)", () => {
    expect(clientIp(new Headers())).toBeNull();
    expect(clientIp(new Headers({ "x-real-ip": "not-an-ip" }))).toBeNull();
    expect(clientIp(new Headers({ "x-forwarded-for": "unknown, 10.0.0.1" }))).toBeNull();
  });
});
