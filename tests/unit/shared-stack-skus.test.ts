import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoSkus } from "@/lib/catalog/demo-catalog";

/**
 * The stack and browser files share one stack, in an order Vitest picks (it changes between runs:
 * it sorts by the last run's durations). A demo SKU two files both set up would make one file's
 * leftovers the other's starting point — drift-alerts leaves LIN-WHT-M drifted on purpose, and a
 * recovery case on the same SKU failed whenever it ran second. Each demo SKU belongs to one file.
 */
const root = path.resolve(import.meta.dirname, "..", "..");
const files = ["tests/stack", "tests/e2e"].flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join(dir, f)),
);

describe("shared-stack test files", () => {
  it("each demo SKU is named by at most one file that runs on the shared stack", () => {
    const owners = new Map<string, string[]>();
    for (const file of files) {
      const text = readFileSync(path.join(root, file), "utf8");
      if (text.includes("launchPrivateStack(")) continue; // a stack of its own
      for (const sku of demoSkus()) if (text.includes(`"${sku}"`)) owners.set(sku, [...(owners.get(sku) ?? []), file]);
    }
    expect(owners.size).toBeGreaterThan(10); // the scan sees the files' SKUs at all
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([]);
  });
});
