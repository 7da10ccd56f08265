import { mkdirSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, Browser, Page } from "playwright";
import type { NaiveSync } from "./naive-sync";
import type { Observed } from "./observations";
import type { PlannedAction } from "./plan";
import { browserShopper, buy, type World } from "./shoppers";
import { postJson } from "./stack-probe";

/** One planned action, performed on the clock: a restock at the warehouse, an API buyer, or a shopper in Chromium. */
export interface PerformContext {
  mode: "ours" | "naive";
  world: World;
  appUrl: string;
  browser: Browser | undefined;
  variantIds: ReadonlyMap<string, string>;
  naive: NaiveSync | null;
  checkoutUrl: (cartId: string) => Promise<string>;
  requestContext: APIRequestContext;
  observed: Observed;
  screenshots: Screenshots;
}

export async function perform(action: PlannedAction, ctx: PerformContext): Promise<void> {
  const { observed } = ctx;
  if (action.kind === "restock") {
    await postJson(`${ctx.world.wms}/_emulator/receive`, { sku: action.sku, locationId: action.locationId, quantity: action.quantity });
    observed.restocks.push({ at: Date.now(), sku: action.sku, locationId: action.locationId, quantity: action.quantity });
    return;
  }
  if (action.kind === "buy") {
    observed.attempts[action.channel]++;
    const outcome = await buy(ctx.requestContext, ctx.world, action);
    if (outcome.kind === "accepted") observed.sales.push(outcome.sale);
    else if (outcome.kind === "refused") observed.refused[action.channel]++;
    else observed.failures.push(`${action.id}: ${outcome.reason}`);
    return;
  }
  if (!ctx.browser) return;
  observed.attempts.shopify++;
  const result = await browserShopper({
    browser: ctx.browser,
    appUrl: ctx.appUrl,
    action,
    variantIds: ctx.variantIds,
    mode: ctx.mode,
    ...(ctx.naive ? { naiveStock: ctx.naive.pdpStock } : {}),
    checkoutUrlOf: ctx.checkoutUrl,
    onRead: (read) => observed.badgeReads.push(read),
    screenshot: (label, page) => ctx.screenshots.take(label, page),
  });
  observed.browser[result.outcome]++;
  if (result.outcome === "ordered" && result.acceptedAt)
    observed.sales.push({ at: result.acceptedAt, channel: "shopify", sku: action.sku, quantity: action.quantity });
  else if (result.outcome === "refused" || result.outcome === "saw_sold_out") observed.refused.shopify++;
  else if (result.outcome === "failed") observed.failures.push(`${action.id}: ${result.detail}`);
}

/** The first screenshot of each kind per mode (a product page, an order, a refusal). */
export class Screenshots {
  readonly taken: { label: string; file: string }[] = [];
  constructor(
    private readonly dir: string,
    private readonly mode: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }
  async take(label: string, page: Page): Promise<void> {
    if (this.taken.some((s) => s.label === label)) return;
    const file = `${this.mode}-${label.replace(/\W+/g, "-")}.png`;
    this.taken.push({ label, file });
    await page.screenshot({ path: path.join(this.dir, file) }).catch(() => undefined);
  }
}
