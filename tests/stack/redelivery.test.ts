import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { readSnapshots } from "@/lib/redis/projection-store";
import { postSigned, stack, testRedis, uniqueSku } from "../support/stack-client";
import { drainAll } from "../support/drain";

/**
 * At-least-once delivery at its worst, over HTTP, from all four sources: the warehouse
 * (movements, a cycle count, a pick of an online order), Shopify (orders, a refund, a
 * cancellation, redelivered under the same X-Shopify-Event-Id and again under a new one), the
 * marketplace and the store tills. Every delivery is sent three times, shuffled, and old ones are
 * replayed at the end. On-hand and reservations must equal what the history says, worked out by
 * hand below — not by the parsers and model the app itself uses.
 */
interface Delivery {
  name: string;
  path: string;
  body: unknown;
  secret: () => string;
  headers?: Record<string, string>;
  signatureHeader?: string;
}

const at = (second: number, ms = 0) => new Date(Date.UTC(2026, 10, 27, 9, 0, second, ms)).toISOString();

describe("webhooks from every source delivered 3×, reordered, old deliveries replayed", () => {
  it("on-hand and reservations equal the hand-computed truth", async () => {
    const [a, b] = [uniqueSku("TRIPLE-A"), uniqueSku("TRIPLE-B")];
    const run = Date.now();
    const [ord1, ord2] = [run * 1_000 + 1, run * 1_000 + 2];
    const [l1, l2, l3] = [run * 1_000 + 11, run * 1_000 + 12, run * 1_000 + 13];
    const tag = run.toString(36);
    const wms = (name: string, event: Record<string, unknown>): Delivery => ({
      name,
      path: "/api/webhooks/wms",
      body: { id: `${name}-${tag}`, locationId: "wh-east", ...event },
      secret: () => stack().secrets.wmsWebhookSecret,
    });
    const shopify = (name: string, topic: string, body: unknown): Delivery => ({
      name,
      path: "/api/webhooks/shopify",
      body,
      secret: () => stack().secrets.shopifyWebhookSecret,
      signatureHeader: "x-shopify-hmac-sha256",
      headers: {
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": "northwind-demo.myshopify.com",
        "x-shopify-event-id": `evt-${name}-${tag}`,
        "x-shopify-webhook-id": `wh-${name}-${tag}`,
      },
    });
    const marketplace = (name: string, type: string, order: string, lines: unknown[]): Delivery => ({
      name,
      path: "/api/webhooks/marketplace",
      body: { id: `ntf-${name}-${tag}`, type, occurredAt: at(30), order: { id: `${order}-${tag}`, lines } },
      secret: () => stack().secrets.marketplaceWebhookSecret,
      headers: { "idempotency-key": `ntf-${name}-${tag}` },
    });
    const pos = (name: string, sales: unknown[]): Delivery => ({
      name,
      path: "/api/webhooks/pos",
      body: { batchId: `${name}-${tag}`, locationId: "wh-east", sales },
      secret: () => stack().secrets.posWebhookSecret,
    });
    const order = (id: number, lines: unknown[], extra: Record<string, unknown> = {}) => ({
      id,
      created_at: at(5),
      currency: "USD",
      location_id: null,
      line_items: lines,
      ...extra,
    });

    const deliveries: Delivery[] = [
      // Warehouse. A: east 20 − 2 − 1 (the pick of Shopify's line L1) = 17; west 10 + 1 = 11.
      wms("r1", { type: "receipt", sku: a, quantity: 20, occurredAt: at(1) }),
      wms("r2", { type: "receipt", sku: a, locationId: "wh-west", quantity: 10, occurredAt: at(2) }),
      wms("adj", { type: "adjustment", sku: a, quantity: -2, occurredAt: at(3) }),
      wms("pick", { type: "pick", sku: a, quantity: 1, orderId: `shopify:${ord1}`, lineId: String(l1), occurredAt: at(40) }),
      wms("ret", { type: "return", sku: a, locationId: "wh-west", quantity: 1, occurredAt: at(45) }),
      // B: 17 received, then a count of 12 (which already includes that receipt), then 3 more: 15.
      wms("r3", { type: "receipt", sku: b, quantity: 17, occurredAt: at(10) }),
      wms("cc", { type: "cycle_count", sku: b, quantity: 12, occurredAt: at(20, 500) }),
      wms("r4", { type: "receipt", sku: b, quantity: 3, occurredAt: at(30) }),
      // Shopify. ORD1: A ×3 (1 of it picked above: 2 still reserved), B ×2 (1 refunded with restock: 1 reserved).
      shopify(
        "o1",
        "orders/create",
        order(ord1, [
          { id: l1, sku: a, quantity: 3, price: "10.00" },
          { id: l2, sku: b, quantity: 2, price: "10.00" },
        ]),
      ),
      shopify("rf1", "refunds/create", {
        id: run * 1_000 + 21,
        order_id: ord1,
        created_at: at(50),
        refund_line_items: [{ id: run * 1_000 + 31, line_item_id: l2, quantity: 1, restock_type: "cancel", line_item: { sku: b } }],
      }),
      // ORD2: A ×1, cancelled: nothing reserved.
      shopify("o2", "orders/create", order(ord2, [{ id: l3, sku: a, quantity: 1, price: "10.00" }])),
      shopify("c2", "orders/cancelled", order(ord2, [{ id: l3, sku: a, quantity: 1, price: "10.00" }], { cancelled_at: at(60) })),
      // Marketplace: MK1 A ×1 reserved; MK2 B ×1, cancelled.
      marketplace("m1", "order.created", "MK1", [{ id: "m1", sku: a, quantity: 1 }]),
      marketplace("m2", "order.created", "MK2", [{ id: "m2", sku: b, quantity: 1 }]),
      marketplace("m2x", "order.cancelled", "MK2", [{ id: "m2", sku: b, quantity: 1 }]),
      // Store till at east: S1 A ×2 reserved; S2 B ×1, voided in a later batch.
      pos("p1", [
        { id: `S1-${tag}`, occurredAt: at(35), status: "completed", lines: [{ id: "p1", sku: a, quantity: 2 }] },
        { id: `S2-${tag}`, occurredAt: at(36), status: "completed", lines: [{ id: "p2", sku: b, quantity: 1 }] },
      ]),
      pos("p2", [{ id: `S2-${tag}`, occurredAt: at(37), status: "voided", lines: [{ id: "p2", sku: b, quantity: 1 }] }]),
    ];
    const truth = {
      [a]: { onHand: { "wh-east": 17, "wh-west": 11 }, reserved: { "wh-east": 2 }, unassigned: 2 + 1 },
      [b]: { onHand: { "wh-east": 15 }, reserved: {}, unassigned: 1 },
    };

    // Three times each, shuffled; Shopify's third copy comes as a new delivery (new Event-Id and
    // Webhook-Id: a replay the delivery dedupe cannot catch, only the effect ids can).
    const sends = deliveries.flatMap((d) => [
      d,
      d,
      d.path.endsWith("/shopify")
        ? { ...d, headers: { ...d.headers, "x-shopify-event-id": `evt-${d.name}-${tag}-replay`, "x-shopify-webhook-id": `wh-${d.name}-${tag}-replay` } }
        : d,
    ]);
    const rng = xoroshiro128plus(42);
    for (let i = sends.length - 1; i > 0; i--) {
      const j = uniformInt(rng, 0, i);
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }
    for (const d of [...sends, ...sends.slice(0, 8)]) {
      const response = await postSigned(d.path, d.body, d.secret(), d.headers ?? {}, d.signatureHeader);
      expect({ name: d.name, status: response.status }).toEqual({ name: d.name, status: expect.toSatisfy((s: number) => s === 200 || s === 202) });
    }
    await drainAll();

    const snapshots = await readSnapshots(testRedis(), [a, b]);
    const nonZero = (r: Record<string, number> | undefined) => Object.fromEntries(Object.entries(r ?? {}).filter(([, n]) => n !== 0));
    for (const sku of [a, b]) {
      const p = snapshots.get(sku)?.projection;
      expect({ sku, onHand: nonZero(p?.onHand), reserved: nonZero(p?.reserved), unassigned: p?.unassigned }).toEqual({ sku, ...truth[sku] });
    }
  });
});
