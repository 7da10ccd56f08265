import { createHash, timingSafeEqual } from "node:crypto";

/** Constant-time string equality; hashing both sides first also hides the secret's length. */
export function secretEquals(given: string | null | undefined, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given ?? ""), digest(expected)) && given !== null && given !== undefined;
}

/** `Authorization: Bearer <secret>`, checked in constant time. A missing secret never matches. */
export const hasBearer = (request: Request, secret: string | undefined): boolean =>
  Boolean(secret) && secretEquals(request.headers.get("authorization"), `Bearer ${secret}`);
