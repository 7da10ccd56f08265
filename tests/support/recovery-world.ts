import { readOutbox } from "@/lib/email/outbox-store";
import { openIncident, readIncident, type Incident } from "@/lib/redis/incident-store";
import { recoverIncidents } from "@/workers/recovery";
import { startScriptedShopify, type ScriptedOrder } from "./scripted-shopify";
import { emptyRedis, startWorkerWorld, testRedis, workerContext } from "./worker-world";

/**
 * The recovery worker's world for the fast recovery tests: own Redis and Edge Config, a
 * scripted Shopify Admin API, the outbox email transport, and a fixed clock.
 */
export const NOW = new Date("2026-11-27T10:00:00.000Z");
export const AT = NOW.toISOString();

export async function startRecoveryWorld(name: string) {
  const world = await startWorkerWorld(name);
  const shopify = await startScriptedShopify();
  const useShopify = () => {
    Object.assign(process.env, shopify.env);
  };
  useShopify();
  return {
    shopify,
    useShopify,
    editPolicy: world.editPolicy,
    /** Each test starts from an empty Redis and a scripted Shopify that knows no orders. */
    async reset() {
      await emptyRedis();
      shopify.clear();
      delete process.env.SHOP_NAME;
      delete process.env.EMAIL_TRANSPORT;
      delete process.env.ALERT_WEBHOOK_URL;
      delete process.env.ALERT_WEBHOOK_FORMAT;
      useShopify();
    },
    stop: async () => {
      await shopify.stop();
      await world.stop();
    },
  };
}

export const run = () => recoverIncidents(workerContext({ now: () => NOW.getTime() }));
export const incident = async (id: string) => (await readIncident(testRedis(), id)) as Incident;

/** A short pick of `units` on one order line (the warehouse names the line). */
export async function shortPick(id: string, lineKey: string | null, units = 1, sku = "REC-1"): Promise<void> {
  if (!(await openIncident(testRedis(), { id, kind: "short_pick", sku, locationId: "wh-east", units, openedAt: "2026-11-27T09:00:00.000Z", lineKey })))
    throw new Error(`incident ${id} exists`);
}

export const smallOrder = (id: string, over: Partial<ScriptedOrder> = {}): ScriptedOrder => ({
  id,
  name: `#${id}`,
  email: "ana@example.com",
  totalCents: 2_500,
  customer: { id: "gid://shopify/Customer/5", firstName: "Ana", displayName: "Ana Diaz", email: "ana@example.com" },
  lines: [{ id: "11", sku: "REC-1", name: "Linen Shirt - Sky / L", quantity: 2, unitCents: 1_250 }],
  ...over,
});

export async function outbox(): Promise<{ id: string; to: string; subject: string; text: string; from: string }[]> {
  return readOutbox(testRedis(), 1_000);
}
