import path from "node:path";
import { mkdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright";
import { eventually, getStock, postWms, SETTLE_MS, stack, wmsEvent } from "./stack-client";

export { SETTLE_MS };

/** Helpers for the storefront's browser tests: stock set through the warehouse, Shopify's view, ids, artifacts. */
export const SCREENSHOTS = path.resolve(import.meta.dirname, "..", "..", "test-results", "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

/** The local policy's Shopify buffer (scripts/stack/edge-config.json). */
export const SHOPIFY_BUFFER = 2;

const shopify = () => {
  const url = stack().emulators.shopify;
  if (!url) throw new Error("the test stack runs without the Shopify emulator");
  return url;
};

/**
 * Make the online channel able to sell exactly `east`/`west` units of a SKU, the way it
 * really happens: the warehouse counts the shelves (cycle counts), our pipeline projects and
 * pushes to Shopify. Resolves once /api/stock and Shopify's `available` both agree.
 */
export async function setOnlineStock(sku: string, east: number, west = 0): Promise<void> {
  const count = (locationId: string, sellable: number) => wmsEvent(sku, "cycle_count", sellable === 0 ? 0 : sellable + SHOPIFY_BUFFER, { locationId });
  expect202(await postWms({ events: [count("wh-east", east), count("wh-west", west)] }));
  const total = east + west;
  const stock = await eventually(
    () => getStock(sku),
    (s) => s.skus[sku]?.available === total,
    SETTLE_MS,
  );
  if (stock.skus[sku]?.available !== total) throw new Error(`/api/stock never showed ${total} for ${sku}: ${JSON.stringify(stock.skus[sku])}`);
  const levels = await eventually(
    () => shopifyLevels(sku),
    (l) => l["wh-east"] === east && l["wh-west"] === west,
    SETTLE_MS,
    100,
  );
  if (levels["wh-east"] !== east || levels["wh-west"] !== west) throw new Error(`Shopify never showed ${east}/${west} for ${sku}: ${JSON.stringify(levels)}`);
}

function expect202(response: Response): void {
  if (response.status !== 202) throw new Error(`WMS webhook answered ${response.status}`);
}

export async function shopifyLevels(sku: string): Promise<Record<string, number>> {
  const body = (await (await fetch(`${shopify()}/_emulator/inventory?sku=${encodeURIComponent(sku)}`)).json()) as Record<
    string,
    Record<string, { available: number }>
  >;
  return Object.fromEntries(Object.entries(body[sku] ?? {}).map(([loc, level]) => [loc, level.available]));
}

/** The numeric variant id Shopify gives a SKU (what `?variant=` carries). */
export async function variantIdOf(sku: string): Promise<string> {
  const response = await fetch(`${shopify()}/api/2026-04/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-storefront-access-token": stack().secrets.shopifyStorefrontToken },
    body: JSON.stringify({
      query: `query($q: String!) { products(first: 1, query: $q) { nodes { variants(first: 50) { nodes { id sku } } } } }`,
      variables: { q: `sku:${sku}` },
    }),
  });
  const json = (await response.json()) as { data: { products: { nodes: { variants: { nodes: { id: string; sku: string }[] } }[] } } };
  const gid = json.data.products.nodes[0]?.variants.nodes.find((v) => v.sku === sku)?.id;
  if (!gid) throw new Error(`no variant for ${sku}`);
  return gid.split("/").pop()!;
}

export const storefrontRequests = async (): Promise<{ operationName: string | null; variables: string | null; time: string }[]> =>
  (
    (await (await fetch(`${shopify()}/_emulator/requests?limit=5000`)).json()) as {
      requests: { api: string; operationName: string | null; variables: string | null; time: string }[];
    }
  ).requests.filter((r) => r.api === "storefront");

/** Wait for a badge to show a number (the page hydrated and /api/stock answered). */
export async function badgeNumber(page: Page, testId: string, timeout = SETTLE_MS): Promise<number> {
  await page.waitForFunction((id) => (document.querySelector(`[data-testid='${id}']`)?.getAttribute("data-available") ?? "") !== "", testId, { timeout });
  return Number(await page.getByTestId(testId).getAttribute("data-available"));
}

/** The badge refresh interval the test stack's Edge Config sets (ms). */
export const refreshMs = (): number => (JSON.parse(readFileSync(stack().policyFile, "utf8")) as { storefront: { refreshMs: number } }).storefront.refreshMs;
