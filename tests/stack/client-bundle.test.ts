import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stack } from "../support/stack-client";

/** Non-negotiable 5: nothing secret reaches the browser, neither in the bundles nor in the pages. */
const staticDir = path.resolve(import.meta.dirname, "..", "..", ".next", "static");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

describe("client bundles and pages carry no secrets", () => {
  const secrets = () => Object.entries(stack().secrets).filter(([, value]) => value.length >= 8);

  it("no secret value and no server env name in any static asset", () => {
    const assets = files(staticDir).filter((f) => /\.(js|css|json|txt)$/.test(f));
    expect(assets.length).toBeGreaterThan(5);
    const text = assets.map((f) => readFileSync(f, "utf8")).join("\n");
    for (const [name, value] of secrets()) expect(text.includes(value), name).toBe(false);
    expect(text).not.toMatch(/SHOPIFY_STOREFRONT_ACCESS_TOKEN|SHOPIFY_ADMIN_ACCESS_TOKEN|SHOPIFY_CLIENT_SECRET|UPSTASH_REDIS_REST_TOKEN|CRON_SECRET/);
  });

  it("no secret value in the HTML of the storefront's pages", async () => {
    for (const pathname of ["/", "/products/classic-tee", "/cart", "/collections/all"]) {
      const html = await (await fetch(`${stack().appUrl}${pathname}`)).text();
      for (const [name, value] of secrets()) expect(html.includes(value), `${name} in ${pathname}`).toBe(false);
    }
  });
});
