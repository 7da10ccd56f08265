import { describe, expect, it } from "vitest";
import { signBody, verifySignature } from "@/lib/http/hmac";
import { hasBearer } from "@/lib/http/bearer";

describe("signatures", () => {
  const body = Buffer.from('{"id":"1"}');
  it("accepts the base64 HMAC-SHA256 of the exact bytes and nothing else", () => {
    const signature = signBody(body, "s3cret");
    expect(verifySignature(body, signature, "s3cret")).toBe(true);
    expect(verifySignature(Buffer.from('{"id":"1" }'), signature, "s3cret")).toBe(false);
    expect(verifySignature(body, signature, "other")).toBe(false);
    expect(verifySignature(body, null, "s3cret")).toBe(false);
    expect(verifySignature(body, "", "s3cret")).toBe(false);
    expect(verifySignature(body, "not base64!!", "s3cret")).toBe(false);
    expect(verifySignature(body, signature, "")).toBe(false);
  });

  it("bearer checks need the exact secret", () => {
    const request = (h?: string) => new Request("http://x", { headers: h ? { authorization: h } : {} });
    expect(hasBearer(request("Bearer abc"), "abc")).toBe(true);
    expect(hasBearer(request("Bearer abcd"), "abc")).toBe(false);
    expect(hasBearer(request(), "abc")).toBe(false);
    expect(hasBearer(request("Bearer "), undefined)).toBe(false);
  });
});
