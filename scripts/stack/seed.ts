import { demoCatalog } from "@/lib/catalog/demo-catalog";
import { signBody } from "@/lib/http/hmac";

/**
 * Demo stock, sent the way a warehouse would: signed `receipt` events through the real
 * webhook. Ids are fixed, so seeding on every start changes nothing after the first time.
 */
export interface SeedEvent {
  id: string;
  type: "receipt" | "cycle_count";
  sku: string;
  locationId: string;
  quantity: number;
  occurredAt: string;
}

export function seedEvents(): SeedEvent[] {
  const occurredAt = "2026-01-01T00:00:00.000Z";
  const soldOut = demoCatalog.products[1]?.variants[0]?.sku;
  return demoCatalog.products.flatMap((product, p) =>
    product.variants.flatMap((variant, v) =>
      demoCatalog.locations.map((locationId, l) => ({
        id: `seed-${variant.sku}-${locationId}`,
        type: variant.sku === soldOut ? ("cycle_count" as const) : ("receipt" as const),
        sku: variant.sku,
        locationId,
        // Deterministic spread: mostly healthy stock, some low, one sold out.
        quantity: variant.sku === soldOut ? 0 : (p * 7 + v * 5 + l * 11) % 4 === 0 ? 1 + ((p + v + l) % 3) : 6 + ((p * 13 + v * 17 + l * 5) % 40),
        occurredAt,
      })),
    ),
  );
}

/** The same stock as the seed events, as the WMS emulator's physical truth. */
export function seedStock(): Record<string, Record<string, number>> {
  const stock: Record<string, Record<string, number>> = {};
  for (const e of seedEvents()) (stock[e.sku] ??= {})[e.locationId] = e.quantity;
  return stock;
}

/** A given stock (a load scenario's) as the same kind of fixed-id events. */
export function stockEvents(stock: Record<string, Record<string, number>>): SeedEvent[] {
  return Object.entries(stock).flatMap(([sku, perLocation]) =>
    Object.entries(perLocation).map(([locationId, quantity]) => ({
      id: `seed-${sku}-${locationId}`,
      type: "cycle_count" as const,
      sku,
      locationId,
      quantity,
      occurredAt: "2026-01-01T00:00:00.000Z",
    })),
  );
}

export async function seedDemoStock(appUrl: string, wmsSecret: string, stock?: Record<string, Record<string, number>>): Promise<number> {
  const events = stock ? stockEvents(stock) : seedEvents();
  const body = JSON.stringify({ events });
  const response = await fetch(`${appUrl}/api/webhooks/wms`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature-sha256": signBody(body, wmsSecret) },
    body,
  });
  if (!response.ok) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
  return events.length;
}
