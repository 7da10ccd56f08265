import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desiredTargets } from "@/lib/channels/plan";
import { reconcileChannels } from "@/lib/channels/reconcile-channels";
import { writableChannels } from "@/lib/channels/registry";
import type { ChannelAdapter } from "@/lib/channels/types";
import { targetKey } from "@/lib/domain/channel-targets";
import type { Policy } from "@/lib/config/policy";
import type { StockEvent } from "@/lib/domain/events";
import { dirtyCount, listRejected, markDirty, readBelieved, releaseRejected, setBelieved } from "@/lib/redis/channel-store";
import { applyEvents, readSnapshots } from "@/lib/redis/projection-store";
import { bucketState } from "@/lib/redis/token-bucket";
import { flushChannel } from "@/workers/flush";
import { loadCatalog, startChannelWorld } from "../../harness/channel-world";

/**
 * The Shopify write path against an emulator shop that misbehaves the way real shops do
 * (shopify-fidelity F2, F7, F8, F12, F16): re-created variants, bundle parents, deactivated
 * locations, locations the policy does not know, duplicate and look-alike SKUs, failed
 * attempts that spend their idempotency key, and a bucket smaller than the plan's.
 */
const catalog = loadCatalog(10, 10);
const LOCATIONS = ["wh-east", "wh-west"] as const;
let world: Awaited<ReturnType<typeof startChannelWorld>>;
let policy: Policy;
let adapter: ChannelAdapter;

beforeAll(async () => {
  // A pop-up store the policy does not list, whose id sorts before the warehouses'.
  world = await startChannelWorld(catalog, 4242, {}, { extraLocations: [{ id: "popup", gid: "gid://shopify/Location/70001", name: "Pop-up" }] });
  policy = await world.ctx.policy();
  adapter = writableChannels(world.ctx, policy).find((a) => a.channel === "shopify")!;
}, 60_000);
afterAll(async () => world?.stop());

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${world.shopify.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return response.json() as Promise<Record<string, unknown>>;
};
const shopifyLevels = async (sku: string) =>
  (
    (await (await fetch(`${world.shopify.url}/_emulator/inventory?sku=${encodeURIComponent(sku)}`)).json()) as Record<
      string,
      Record<string, { available: number }>
    >
  )[sku]!;

let n = 0;
const receipt = (sku: string, locationId: string, quantity: number): StockEvent => ({
  id: `wms:wf-${n++}`,
  kind: "receipt",
  sku,
  locationId,
  quantity,
  occurredAt: "2026-12-02T09:00:00.000Z",
  source: "wms",
  sourceUri: "test://write-faults",
});

/** Receipts at both warehouses, the SKUs marked dirty; `believeZero`: we know Shopify holds 0 (no read needed). */
async function stock(skus: readonly string[], east: number, west: number, believeZero = true): Promise<void> {
  const redis = world.ctx.redis;
  await applyEvents(
    redis,
    skus.flatMap((sku) => [receipt(sku, "wh-east", east), receipt(sku, "wh-west", west)]),
  );
  if (believeZero) await setBelieved(redis, "shopify", new Map(skus.flatMap((sku) => LOCATIONS.map((l) => [targetKey(sku, l), 0] as const))));
  const snapshots = await readSnapshots(redis, [...skus]);
  await markDirty(
    redis,
    ["shopify"],
    [...snapshots].map(([sku, s]) => ({ sku, version: s!.version })),
  );
}
async function desired(sku: string): Promise<Map<string, number>> {
  const snapshot = (await readSnapshots(world.ctx.redis, [sku])).get(sku)!;
  return desiredTargets(snapshot, "shopify", policy.channels.shopify!);
}
const flush = () => flushChannel(world.ctx.redis, adapter, policy, Date.now() + 15_000);
const believed = async (sku: string) =>
  readBelieved(
    world.ctx.redis,
    "shopify",
    LOCATIONS.map((l) => targetKey(sku, l)),
  );

/** Shopify shows what we want for every location of these SKUs, and our belief says the same. */
async function expectConverged(skus: readonly string[]): Promise<void> {
  for (const sku of skus) {
    const want = await desired(sku);
    const shop = await shopifyLevels(sku);
    const belief = await believed(sku);
    for (const l of LOCATIONS) {
      expect(shop[l]?.available, `${sku}@${l} at Shopify`).toBe(want.get(l));
      expect(belief.get(targetKey(sku, l)), `${sku}@${l} believed`).toBe(want.get(l));
    }
  }
}

describe("the emulator's sku: search is tokenized, like Shopify's", () => {
  it("sku:LOAD-1-2 also finds LOAD-2-1 (same words), and not LOAD-1-3", async () => {
    const response = await fetch(`${world.shopify.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": "shpat_load_test_token" },
      body: JSON.stringify({ query: `{ inventoryItems(first: 10, query: "sku:LOAD-1-2") { nodes { sku } } }` }),
    });
    const body = (await response.json()) as { data: { inventoryItems: { nodes: { sku: string }[] } } };
    expect(body.data.inventoryItems.nodes.map((n) => n.sku).sort()).toEqual(["LOAD-1-2", "LOAD-2-1"]);
  });
});

describe("reads (F7, F12)", () => {
  it("look-alike SKUs from the tokenized sku: search and an unknown location listed first never hide a SKU or a warehouse", async () => {
    const skus = catalog.products.slice(5).flatMap((p) => p.variants.map((v) => v.sku));
    await stock(skus, 9, 7, false);
    await flush();
    await expectConverged(skus);
    expect(await dirtyCount(world.ctx.redis, "shopify")).toBe(0);
  });
});

describe("the drift pass's target reads (F7)", () => {
  it("see both warehouses of every SKU, whatever other locations the shop has and however alike the SKUs are", async () => {
    const recon = reconcileChannels(world.ctx, policy).find((c) => c.channel === "shopify")!;
    const skus = catalog.products.slice(7).flatMap((p) => p.variants.map((v) => v.sku));
    const observed = await recon.readTargets(skus.flatMap((sku) => LOCATIONS.map((location) => ({ sku, location }))));
    expect(new Set(observed.map((o) => `${o.sku}|${o.location}`))).toEqual(new Set(skus.flatMap((sku) => LOCATIONS.map((l) => `${sku}|${l}`))));
    for (const o of observed) expect(o.actual, `${o.sku}@${o.location}`).toBe((await shopifyLevels(o.sku))[o.location]?.available);
  });
});

describe("one bad item never sinks a batch (F2)", () => {
  it("a tracked bundle parent is refused alone: the rest lands, its belief stays, it is listed with Shopify's code", async () => {
    const skus = catalog.products[0]!.variants.map((v) => v.sku);
    const bundle = skus[3]!;
    await post("/_emulator/inventory-items/bundle", { sku: bundle, bundleParent: true });
    await stock(skus, 6, 4);
    await flush();
    await expectConverged(skus.filter((s) => s !== bundle));
    expect((await shopifyLevels(bundle))["wh-east"]?.available).toBe(0);
    expect((await believed(bundle)).get(targetKey(bundle, "wh-east"))).toBe(0);
    const rejected = await listRejected(world.ctx.redis, "shopify", 100);
    expect(rejected.filter((r) => r.sku === bundle).map((r) => [r.location, r.code])).toEqual([
      ["wh-east", "NON_MUTABLE_INVENTORY_ITEM"],
      ["wh-west", "NON_MUTABLE_INVENTORY_ITEM"],
    ]);
    expect(rejected.find((r) => r.sku === bundle)?.message).toMatch(/not allowed to be adjusted via API/);
    // Its dirty mark was parked, not cleared: once the merchant fixes the item and the refusal is released, it is written.
    await post("/_emulator/inventory-items/bundle", { sku: bundle, bundleParent: false });
    expect(await releaseRejected(world.ctx.redis, "shopify", Date.now(), 0)).toBe(2);
    await flush();
    await expectConverged([bundle]);
  });

  it("a variant deleted and re-created with the same SKU (new inventory item id) is looked up again and written", async () => {
    const product = catalog.products[1]!;
    const skus = product.variants.map((v) => v.sku);
    await stock(skus, 3, 3);
    await flush();
    await expectConverged(skus);
    await post(`/_emulator/products/${product.handle}/delete`, {});
    await post("/_emulator/products", { handle: `${product.handle}-again`, title: product.title, variants: product.variants });
    // The re-created items hold the old numbers (as our beliefs say): only the new receipts go out.
    await stock(skus, 2, 1, false);
    await flush();
    await expectConverged(skus);
  });

  it("a deactivated location refuses its items only: the other warehouse lands", async () => {
    const skus = catalog.products[2]!.variants.map((v) => v.sku).slice(0, 4);
    await post("/_emulator/locations/wh-west/active", { active: false });
    try {
      await stock(skus, 5, 5);
      await flush();
      for (const sku of skus) {
        expect((await shopifyLevels(sku))["wh-east"]?.available).toBe((await desired(sku)).get("wh-east"));
        expect((await believed(sku)).get(targetKey(sku, "wh-west"))).toBe(0);
      }
      const codes = (await listRejected(world.ctx.redis, "shopify", 100)).filter((r) => skus.includes(r.sku)).map((r) => `${r.location}:${r.code}`);
      expect(new Set(codes)).toEqual(new Set(["wh-west:INVALID_LOCATION"]));
    } finally {
      await post("/_emulator/locations/wh-west/active", { active: true });
    }
  });
});

describe("failed attempts spend their key (F8)", () => {
  it.each(["ADJUST_QUANTITIES_FAILED", "SERVICE_UNAVAILABLE"] as const)("after %s the batch is planned again under a fresh key and lands", async (code) => {
    const skus = catalog.products[code === "SERVICE_UNAVAILABLE" ? 4 : 3]!.variants.map((v) => v.sku).slice(0, 5);
    await post("/_emulator/faults", { adjustFailures: 1, adjustFailureCode: code });
    await stock(skus, 8, 2);
    await flush();
    await expectConverged(skus);
    expect(await dirtyCount(world.ctx.redis, "shopify")).toBe(0);
  });
});

describe("duplicate SKUs (F12)", () => {
  it("a SKU held by two items is written to neither, its belief stays, and it is listed as DUPLICATE_SKU", async () => {
    const sku = catalog.products[2]!.variants[8]!.sku;
    await post("/_emulator/products", {
      handle: "dup-listing",
      title: "Second listing",
      duplicateSkus: true,
      variants: [{ sku, title: "Same", priceCents: 100, options: { Size: "M" } }],
    });
    await stock([sku], 4, 4);
    await flush();
    const items = (await (await fetch(`${world.shopify.url}/_emulator/inventory-items?sku=${sku}`)).json()) as {
      items: { levels: Record<string, { available: number }> }[];
    };
    expect(items.items).toHaveLength(2);
    expect(items.items.map((i) => i.levels["wh-east"]?.available)).toEqual([0, 0]);
    expect((await believed(sku)).get(targetKey(sku, "wh-east"))).toBe(0);
    expect((await listRejected(world.ctx.redis, "shopify", 100)).filter((r) => r.sku === sku).map((r) => r.code)).toContain("DUPLICATE_SKU");
  });
});

describe("items that were not sent (F12)", () => {
  it("a SKU Shopify does not have is refused alone: its belief never moves, the SKU beside it lands", async () => {
    const healthy = catalog.products[2]!.variants[7]!.sku;
    await stock(["NOT-AT-SHOPIFY", healthy], 6, 6);
    await flush();
    expect((await believed("NOT-AT-SHOPIFY")).get(targetKey("NOT-AT-SHOPIFY", "wh-east"))).toBe(0);
    await expectConverged([healthy]);
    expect((await listRejected(world.ctx.redis, "shopify", 100)).filter((r) => r.sku === "NOT-AT-SHOPIFY").map((r) => r.code)).toEqual([
      "UNKNOWN_SKU",
      "UNKNOWN_SKU",
    ]);
  });
});

describe("bucket from throttleStatus (F16)", () => {
  it("a shop whose bucket is smaller than the plan's: our bucket shrinks to half of what Shopify reports", async () => {
    await post("/_emulator/plan", { restoreRate: 50, bucketSize: 600 });
    try {
      const skus = catalog.products[2]!.variants.map((v) => v.sku).slice(5, 7);
      await stock(skus, 5, 5);
      await flush();
      expect(adapter.bucket).toEqual({ capacity: 300, refillPerSecond: 40 });
      expect((await bucketState(world.ctx.redis, "shopify")).tokens).toBeLessThanOrEqual(300);
      await expectConverged(skus);
    } finally {
      await post("/_emulator/plan", { restoreRate: 100, bucketSize: 2_000 });
    }
  });
});
