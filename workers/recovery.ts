import type { Redis } from "@upstash/redis";
import type { StockContext } from "@/lib/context";
import type { Policy } from "@/lib/config/policy";
import { decimalAmount } from "@/lib/money";
import { keys } from "@/lib/redis/keys";
import { affectedLines, apologyCode, recoveryRoute, type AffectedLine } from "@/lib/domain/incidents";
import { parseLineKey } from "@/lib/domain/line-key";
import { renderApologyEmail } from "@/lib/email/apology-email";
import { sendEmail } from "@/lib/email/transport";
import { errorMessage, log } from "@/lib/log";
import { closeOversold, listIncidents, readLines, saveIncident, type Incident, type IncidentAction } from "@/lib/redis/incident-store";
import { acquireLock, releaseLock } from "@/lib/redis/lock";
import type { ShopifyAdmin } from "@/lib/shopify/admin-client";
import { coalesce } from "@/lib/single-flight";
import { createApologyCode, orderGid, planLineRefund, readRecoveryOrder, refundShortLine } from "@/lib/shopify/recovery";
import { sendAlert } from "./alerts";

/**
 * Oversell recovery: for each open incident, find the order lines that pay for it, then per
 * order either settle it automatically (refund the short units, a single-use apology code,
 * an apology email) or escalate to a human and wait for a decision. Every step is recorded
 * with its time and result and is idempotent at its target, so a crash or a second run
 * never refunds or emails twice.
 */
export const APOLOGY_PERCENT_OFF = 15;
const CODE_VALID_DAYS = 90;
const ACTIVE = new Set<Incident["state"]>(["open", "recovering", "awaiting_decision"]);
const TERMINAL = new Set<Incident["state"]>(["recovered", "substituted", "failed"]);

export interface RecoveryStats {
  processed: number;
  recovered: number;
  escalated: number;
}

export async function recoverIncidents(ctx: StockContext): Promise<RecoveryStats | null> {
  const { redis } = ctx;
  const now = () => new Date(ctx.now());
  const lease = await acquireLock(redis, keys.recoveryLock, 60_000);
  if (!lease) return null;
  const stats: RecoveryStats = { processed: 0, recovered: 0, escalated: 0 };
  try {
    const [policy, incidents] = await Promise.all([ctx.policy(), listIncidents(redis)]);
    const admin = ctx.clients.shopify;
    for (const incident of incidents.filter((i) => ACTIVE.has(i.state))) {
      try {
        const before = incident.state;
        await recoverOne(redis, admin, policy, incident, incidents, now);
        stats.processed++;
        if (incident.state === "recovered") stats.recovered++;
        if (incident.state === "awaiting_decision" && before !== "awaiting_decision") stats.escalated++;
        if (!ACTIVE.has(incident.state) && incident.kind === "oversold") await closeOversold(redis, incident.sku);
      } catch (error) {
        log.error("recovery.incident_failed", { incidentId: incident.id, sku: incident.sku, error: errorMessage(error) });
      } finally {
        await saveIncident(redis, incident);
      }
    }
    return stats;
  } finally {
    await releaseLock(redis, keys.recoveryLock, lease);
  }
}

const done = (incident: Incident, action: string, target: string) =>
  incident.actions.some((a) => a.action === action && a.target === target && a.result === "ok");

function record(incident: Incident, now: Date, action: Omit<IncidentAction, "at">): void {
  incident.actions.push({ at: now.toISOString(), ...action });
  const fields = { incidentId: incident.id, sku: incident.sku, action: action.action, target: action.target, result: action.result };
  if (action.result === "failed") log.error("recovery.action", { ...fields, detail: action.detail });
  else log.info("recovery.action", fields);
}

async function recoverOne(
  redis: Redis,
  admin: ShopifyAdmin | null,
  policy: Policy,
  incident: Incident,
  all: readonly Incident[],
  now: () => Date,
): Promise<void> {
  if (incident.kind === "oversold") return holdOversold(redis, incident, all, now);
  if (incident.affected.length === 0) {
    incident.affected = await findAffected(redis, incident, all);
    if (incident.affected.length === 0) {
      record(incident, now(), { action: "triage", target: incident.sku, result: "skipped", detail: "no open order line to attribute the shortfall to" });
      incident.state = "failed";
      return;
    }
    incident.state = "recovering";
  }
  const byOrder = new Map<string, AffectedLine[]>();
  for (const line of incident.affected) byOrder.set(line.orderId, [...(byOrder.get(line.orderId) ?? []), line]);
  let allSettled = true;
  for (const [orderId, lines] of byOrder) {
    const settled = await settleOrder(redis, admin, policy, incident, orderId, lines, now);
    allSettled &&= settled;
  }
  if (allSettled) incident.state = "recovered";
  else if (incident.actions.some((a) => a.action === "escalate" && a.result === "ok") && !incident.decision) incident.state = "awaiting_decision";
  else if (incident.decision?.choice === "wait_for_restock") incident.state = "waiting_restock";
  else if (incident.decision?.choice === "substitute") incident.state = "substituted";
}

/**
 * Sold beyond stock, detected before the warehouse picks: name the orders at risk and wait.
 * Refunding now would not stop the warehouse from shipping those units (so another order
 * would come up short) and a restock may still fill them; the warehouse's short pick names
 * the order that truly cannot ship, and that incident refunds it.
 */
async function holdOversold(redis: Redis, incident: Incident, all: readonly Incident[], now: () => Date): Promise<void> {
  incident.affected = await findAffected(redis, incident, all);
  const atRisk = incident.affected.map((a) => a.orderId).join(", ") || "none open";
  record(incident, now(), {
    action: "hold",
    target: incident.sku,
    result: "ok",
    detail: `${incident.units} unit(s) sold beyond stock; orders at risk: ${atRisk}. Refunds wait for the warehouse's short pick (a restock may still fill them).`,
  });
  incident.state = "waiting_restock";
}

async function findAffected(redis: Redis, incident: Incident, all: readonly Incident[]): Promise<AffectedLine[]> {
  if (incident.kind === "short_pick") {
    const ref = incident.lineKey ? parseLineKey(incident.lineKey) : null;
    return ref ? [{ ...ref, units: incident.units }] : [];
  }
  // Lines another live incident of this SKU already answers for are not counted twice.
  const taken = new Set(
    all
      .filter((i) => i.id !== incident.id && i.sku === incident.sku && !TERMINAL.has(i.state))
      .flatMap((i) => [i.lineKey ?? "", ...i.affected.map((a) => a.lineKey)]),
  );
  return affectedLines(await readLines(redis, incident.sku), incident.units, taken);
}

/** One order's recovery; true once it needs nothing more. */
async function settleOrder(
  redis: Redis,
  admin: ShopifyAdmin | null,
  policy: Policy,
  incident: Incident,
  orderId: string,
  lines: AffectedLine[],
  now: () => Date,
): Promise<boolean> {
  const channel = lines[0]?.channel ?? "unknown";
  if (channel === "shopify" && admin && !incident.orders[orderId]) {
    const read = await readRecoveryOrder(admin, orderId);
    if (read.kind === "retry") return false;
    if (read.kind === "error" || !read.data) {
      record(incident, now(), {
        action: "lookup",
        target: orderId,
        result: "failed",
        detail: read.kind === "error" ? read.message : "Shopify has no such order",
      });
      return escalate(incident, orderId, channel, "the order could not be read from Shopify", now);
    }
    const o = read.data;
    incident.orders[orderId] = {
      name: o.name,
      email: o.email,
      customer: o.customerName,
      firstName: o.firstName,
      customerGid: o.customerGid,
      valueCents: o.totalCents,
      createdAt: o.createdAt,
      currency: o.currency,
      presentmentCurrency: o.presentmentCurrency,
      lineNames: {},
      refundPlans: {},
      refundedCents: {},
    };
  }
  const order = incident.orders[orderId];
  if (incident.decision?.choice === "wait_for_restock" || incident.decision?.choice === "substitute") {
    if (!done(incident, "decision", orderId))
      record(incident, now(), { action: "decision", target: orderId, result: "ok", detail: `${incident.decision.choice}: ${incident.decision.note}` });
    return false;
  }
  const route =
    incident.decision?.choice === "refund"
      ? ({ kind: "auto" } as const)
      : recoveryRoute(channel, order?.valueCents ?? 0, policy.escalation.orderValueCents, order?.currency ?? "USD");
  if (route.kind === "escalate" || !admin || !order)
    return escalate(incident, orderId, channel, route.kind === "escalate" ? route.reason : "Shopify is not configured", now);

  // 1. Refund the short units of each line, as Shopify suggests (gateway, parent payment, what
  // the buyer paid, presentment currency); same key and input on a retry: Shopify replays.
  const lineGid = (line: AffectedLine) => `gid://shopify/LineItem/${line.lineId}`;
  for (const line of lines) {
    if (done(incident, "refund", line.lineKey)) continue;
    let plan = order.refundPlans[line.lineKey];
    if (!plan) {
      const preview = await planLineRefund(admin, orderId, lineGid(line), line.units);
      if (preview.kind === "retry") return false;
      const planned = preview.kind === "ok" ? preview.data : null;
      if (planned?.kind !== "refund") {
        const reason = preview.kind === "error" ? preview.message : planned ? planned.reason : "Shopify has no such order";
        // Asked again each run (a merchant may capture meanwhile), recorded once: the record stays bounded.
        if (!incident.actions.some((a) => a.action === "refund_preview" && a.target === line.lineKey && a.detail === reason))
          record(incident, now(), { action: "refund_preview", target: line.lineKey, result: "skipped", detail: reason });
        return escalate(incident, orderId, channel, `no automatic refund: ${reason}`, now);
      }
      plan = { currency: planned.currency, amountCents: planned.amountCents, transactions: planned.transactions };
      order.refundPlans[line.lineKey] = plan;
      order.lineNames[line.lineId] = planned.lineName;
    }
    const key = `recovery-${incident.id}-${line.lineKey}`.replace(/[^\w:.-]/g, "_").slice(0, 255);
    const result = await refundShortLine(admin, key, orderGid(orderId), lineGid(line), line.units, plan, `Out of stock (incident ${incident.id})`);
    if (result.kind === "retry") return false;
    if (result.kind === "error") {
      record(incident, now(), { action: "refund", target: line.lineKey, result: "failed", detail: result.message });
      return escalate(incident, orderId, channel, "the automatic refund failed", now);
    }
    order.refundedCents[line.lineKey] = result.data.refundedCents;
    record(incident, now(), {
      action: "refund",
      target: line.lineKey,
      result: "ok",
      detail: `${line.units} unit(s), ${decimalAmount(result.data.refundedCents, result.data.currency)} ${result.data.currency} (${result.data.refundId})`,
    });
  }
  // 2. A single-use apology code (same code on a retry: TAKEN → the existing one).
  const code = apologyCode(incident.id, orderId);
  if (!done(incident, "code", orderId)) {
    const result = await createApologyCode(admin, code, `Apology for order ${order.name}`, APOLOGY_PERCENT_OFF, order.customerGid, now());
    if (result.kind === "retry") return false;
    if (result.kind === "error") {
      record(incident, now(), { action: "code", target: orderId, result: "failed", detail: result.message });
      return false;
    }
    record(incident, now(), { action: "code", target: orderId, result: "ok", detail: `${code}${result.data.reused ? " (already created)" : ""}` });
  }
  // 3. The apology email (stable message id: the transport sends it once).
  if (!done(incident, "email", orderId)) {
    if (!order.email) {
      // Not a failure: the refund and the code stand; support reaches the buyer another way.
      record(incident, now(), {
        action: "email",
        target: orderId,
        result: "skipped",
        detail: "not sendable: no readable email address (none on the order, or redacted without Level 2 protected customer data access)",
      });
      return true;
    }
    const email = renderApologyEmail({
      shopName: process.env.SHOP_NAME ?? "Northwind Outfitters",
      to: order.email,
      firstName: order.firstName,
      orderName: order.name,
      items: lines.map((l) => ({ name: order.lineNames[l.lineId] ?? incident.sku, units: l.units, refundCents: order.refundedCents[l.lineKey] ?? 0 })),
      currency: order.presentmentCurrency ?? order.currency,
      code,
      percentOff: APOLOGY_PERCENT_OFF,
      codeValidDays: CODE_VALID_DAYS,
    });
    const sent = await sendEmail(redis, `apology-${incident.id}-${orderId}`, email, now());
    if (!sent.sent) {
      record(incident, now(), { action: "email", target: orderId, result: "failed", detail: sent.error });
      return false;
    }
    record(incident, now(), {
      action: "email",
      target: orderId,
      result: "ok",
      detail: `to ${order.email} via ${sent.transport}${sent.duplicate ? " (already sent)" : ""}`,
    });
  }
  return true;
}

/** Tell a human once per order (PagerDuty/Slack-compatible webhook), then wait for the decision on /ops. */
async function escalate(incident: Incident, orderId: string, channel: string, reason: string, now: () => Date): Promise<boolean> {
  if (done(incident, "escalate", orderId)) return false;
  const order = incident.orders[orderId];
  try {
    const delivered = await sendAlert({
      kind: "oversell_escalation",
      severity: "error",
      dedupKey: `${incident.id}:${orderId}`,
      summary: `Oversold ${incident.sku}: order ${order?.name ?? orderId} (${channel}) needs a decision — ${reason}`,
      details: { incidentId: incident.id, sku: incident.sku, units: incident.units, orderId, channel, valueCents: order?.valueCents ?? null, reason },
    });
    record(incident, now(), {
      action: "escalate",
      target: orderId,
      result: "ok",
      detail: `${reason}${delivered ? "; alert webhook notified" : "; waiting on /ops"}`,
    });
  } catch (error) {
    record(incident, now(), { action: "escalate", target: orderId, result: "failed", detail: errorMessage(error) });
  }
  return false;
}

/** Recover now unless this process already is, which then goes round once more (incidents opened by a drain). */
export function recoverSoon(ctx: StockContext): Promise<unknown> {
  const round = () => recoverIncidents(ctx).catch((error: unknown) => log.error("recovery.failed", { error: errorMessage(error) }));
  return coalesce("recover", round);
}
