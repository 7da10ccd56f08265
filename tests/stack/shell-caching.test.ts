import { describe, expect, it } from "vitest";
import { eventually, SETTLE_MS, stack } from "../support/stack-client";

/**
 * Page shells are cached for 30 days at the CDN (`cacheLife("max")`: s-maxage=2592000 and a
 * stale-while-revalidate window) and served from Next's cache (`x-nextjs-cache: HIT`), so
 * they must never carry a stock number: the badge fills in from /api/stock. Personal and live
 * responses are never shared.
 */
const get = async (p: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${stack().appUrl}${p}`, { redirect: "manual", headers });
  return {
    status: response.status,
    cacheControl: response.headers.get("cache-control") ?? "",
    nextCache: response.headers.get("x-nextjs-cache"),
    html: await response.text(),
  };
};

const THIRTY_DAYS = 30 * 24 * 3600;
const shared = (cacheControl: string) => {
  const sMaxAge = /(?:^|,\s*)s-maxage=(\d+)/.exec(cacheControl)?.[1];
  const swr = /(?:^|,\s*)stale-while-revalidate=(\d+)/.exec(cacheControl)?.[1];
  return {
    sMaxAge: sMaxAge === undefined ? null : Number(sMaxAge),
    swr: swr === undefined ? null : Number(swr),
    private: /private|no-store/.test(cacheControl),
  };
};

describe("shell caching", () => {
  for (const p of ["/", "/products/trail-runner", "/collections/all"]) {
    it(`${p}: 30 days at the CDN with stale-while-revalidate, a HIT in Next's cache, no stock number in the shell`, async () => {
      // After a purge (other files send product webhooks) the first requests may render or be
      // served STALE while Next re-renders in the background; then the shell is a cached HIT.
      const page = await eventually(
        () => get(p),
        (r) => r.nextCache === "HIT",
        SETTLE_MS,
        200,
      );
      expect(page.status).toBe(200);
      expect(shared(page.cacheControl)).toEqual({ sMaxAge: THIRTY_DAYS, swr: expect.any(Number), private: false });
      expect(shared(page.cacheControl).swr).toBeGreaterThan(0);
      expect(page.nextCache).toBe("HIT");
      // Every badge in the cached HTML is still "checking": a number here would be 30 days old.
      const badges = [...page.html.matchAll(/data-testid="stock-[^"]+"[^>]*>/g)].map((m) => m[0]);
      expect(badges.length).toBeGreaterThan(0);
      for (const badge of badges) expect(badge).toContain('data-available=""');
    });
  }

  it("the PDP with ?variant= is the same cached shell (the variant is picked in the browser)", async () => {
    const page = await eventually(
      () => get("/products/trail-runner?variant=1"),
      (r) => r.nextCache === "HIT",
      SETTLE_MS,
      200,
    );
    expect(page.nextCache).toBe("HIT");
    expect(shared(page.cacheControl).sMaxAge).toBe(THIRTY_DAYS);
  });

  it("the cart, /ops and /api/stock are never cached for long or shared", async () => {
    const cart = await get("/cart");
    expect(shared(cart.cacheControl)).toMatchObject({ private: true });
    expect(cart.nextCache).toBeNull();
    const session = await fetch(`${stack().appUrl}/api/ops/session`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ password: stack().secrets.opsPassword, next: "/ops" }),
    });
    const cookie = (session.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^ops_session=/);
    const ops = await get("/ops", { cookie });
    expect(ops.status).toBe(200);
    expect(ops.cacheControl).toBe("private, no-store");
    const stock = await get("/api/stock?sku=TRL-GRY-41");
    expect(shared(stock.cacheControl)).toEqual({ sMaxAge: 1, swr: 1, private: false });
    expect(stock.cacheControl).toContain("max-age=0");
  });
});
