import { describe, expect, it } from "vitest";
import { createSession, passwordMatches, SESSION_TTL_MS, verifySession } from "@/lib/ops/session";

const env = { OPS_PASSWORD: "correct horse battery" };
const NOW = 1_800_000_000_000;

describe("ops session", () => {
  it("a session made with the password verifies until it expires", async () => {
    const token = await createSession(env, NOW);
    expect(token).toMatch(/^v1\.\d+\.[\w-]{43}$/);
    expect(await verifySession(env, token ?? "", NOW + 1_000)).toBe(true);
    expect(await verifySession(env, token ?? "", NOW + SESSION_TTL_MS + 1)).toBe(false);
  });

  it("a tampered expiry, a forged signature or another password's session is refused", async () => {
    const token = (await createSession(env, NOW)) ?? "";
    const [v, exp, sig] = token.split(".");
    expect(await verifySession(env, `${v}.${Number(exp) + 10_000_000}.${sig}`, NOW)).toBe(false);
    expect(await verifySession(env, `${v}.${exp}.${"A".repeat(43)}`, NOW)).toBe(false);
    expect(await verifySession({ OPS_PASSWORD: "another password" }, token, NOW)).toBe(false);
    expect(await verifySession(env, undefined, NOW)).toBe(false);
  });

  it("no password configured: no session can be made or accepted", async () => {
    expect(await createSession({}, NOW)).toBeNull();
    expect(await verifySession({}, "v1.1.x", NOW)).toBe(false);
    expect(await passwordMatches({}, "")).toBe(false);
  });

  it("password check", async () => {
    expect(await passwordMatches(env, "correct horse battery")).toBe(true);
    expect(await passwordMatches(env, "correct horse batter")).toBe(false);
    expect(await passwordMatches(env, "")).toBe(false);
  });
});
