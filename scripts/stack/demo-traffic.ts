import { demoSkus } from "@/lib/catalog/demo-catalog";

/**
 * Steady, gentle demo traffic so `npm start` shows stock moving through every channel:
 * online checkouts, marketplace buyers, store sales, and warehouse restocks.
 */
export function startDemoTraffic(urls: { shopify: string; marketplace: string; pos: string; wms: string }, everyMs = 1_500): { stop(): Promise<void> } {
  const skus = demoSkus();
  const pick = () => skus[Math.floor(Math.random() * skus.length)] ?? skus[0] ?? "";
  const post = (url: string, body: unknown) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
      (r) => r.arrayBuffer(),
      () => undefined,
    );
  const actions = [
    () => post(`${urls.shopify}/_emulator/checkout`, { lines: [{ sku: pick(), quantity: 1 }] }),
    () => post(`${urls.marketplace}/_emulator/purchase`, { sku: pick(), quantity: 1 }),
    () => post(`${urls.pos}/_emulator/sale`, { lines: [{ sku: pick(), quantity: 1 }] }),
    () =>
      post(`${urls.wms}/_emulator/receive`, {
        sku: pick(),
        locationId: Math.random() < 0.5 ? "wh-east" : "wh-west",
        quantity: 3 + Math.floor(Math.random() * 6),
      }),
  ];
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = actions[Math.floor(Math.random() * actions.length)]?.() ?? Promise.resolve();
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}
