import type { Redis } from "@upstash/redis";
import { z } from "zod";
import type { OrderLine } from "../domain/projection";
import { decodeStored } from "./stored-json";
import { keys } from "./keys";

/**
 * Oversell incidents and their recovery record. One JSON document per incident in one hash;
 * only the recovery worker (under its lease) rewrites a document after it is opened, so
 * read-modify-write is safe. Every action carries its time and result.
 */
export const incidentStates = ["open", "recovering", "recovered", "awaiting_decision", "waiting_restock", "substituted", "failed"] as const;

const actionSchema = z.object({
  at: z.string(),
  /** e.g. `refund`, `code`, `email`, `escalate`, `decision`. */
  action: z.string(),
  /** The order (or line) the action was for. */
  target: z.string(),
  result: z.enum(["ok", "failed", "skipped"]),
  detail: z.string(),
});

const orderSchema = z.object({
  name: z.string(),
  email: z.string().nullable(),
  customer: z.string(),
  firstName: z.string().nullable(),
  customerGid: z.string().nullable(),
  valueCents: z.number(),
  createdAt: z.string(),
  /** Shop currency, of `valueCents`. */
  currency: z.string(),
  /** The buyer's currency, of refunds (absent on incidents recorded before it was kept). */
  presentmentCurrency: z.string().optional(),
  /** Line id → name, from the refund preview. */
  lineNames: z.record(z.string(), z.string()).default({}),
  /**
   * Line key → the refund to send, from Shopify's `suggestedRefund`, kept before the first send
   * so a retry sends the same input under the same idempotency key (a fresh preview after a
   * refund that did land would differ, and Shopify refuses a key reused with other input).
   * One per affected line: bounded by the incident's lines.
   */
  refundPlans: z
    .record(
      z.string(),
      z.object({
        currency: z.string(),
        amountCents: z.number().int(),
        transactions: z.array(z.object({ gateway: z.string(), parentId: z.string().nullable(), amount: z.string() })),
      }),
    )
    .default({}),
  /** Line key → what Shopify says it refunded (presentment currency). */
  refundedCents: z.record(z.string(), z.number().int()).default({}),
});

const decisionSchema = z.object({ choice: z.enum(["refund", "wait_for_restock", "substitute"]), note: z.string(), at: z.string() });
export type IncidentDecision = z.infer<typeof decisionSchema>;

export const incidentSchema = z.object({
  id: z.string(),
  kind: z.enum(["short_pick", "oversold"]),
  sku: z.string(),
  locationId: z.string().nullable(),
  units: z.number().int(),
  openedAt: z.string(),
  state: z.enum(incidentStates),
  /** Set on short picks (the line the warehouse could not fill); oversold incidents find theirs. */
  lineKey: z.string().nullable(),
  affected: z.array(z.object({ lineKey: z.string(), channel: z.string(), orderId: z.string(), lineId: z.string(), units: z.number().int() })).default([]),
  orders: z.record(z.string(), orderSchema).default({}),
  actions: z.array(actionSchema).default([]),
  decision: decisionSchema.nullable().default(null),
});
export type Incident = z.infer<typeof incidentSchema>;
export type IncidentAction = z.infer<typeof actionSchema>;

const parse = (raw: unknown): Incident | null => decodeStored(incidentSchema, raw);

/** Opens an incident once (a re-delivered event opens nothing new). */
export async function openIncident(redis: Redis, incident: Omit<Incident, "state" | "affected" | "orders" | "actions" | "decision">): Promise<boolean> {
  const full: Incident = { ...incident, state: "open", affected: [], orders: {}, actions: [], decision: null };
  return (await redis.hsetnx(keys.incidents, incident.id, JSON.stringify(full))) === 1;
}

const parseDecision = (raw: unknown): IncidentDecision | null => decodeStored(decisionSchema, raw);

/** The decision lives in its own hash (see recordDecision); an incident shows it once made. */
const withDecision = (incident: Incident, raw: unknown): Incident =>
  incident.decision || raw == null ? incident : { ...incident, decision: parseDecision(raw) };

export async function listIncidents(redis: Redis): Promise<Incident[]> {
  const [all, decisions] = await Promise.all([
    redis.hgetall<Record<string, unknown>>(keys.incidents),
    redis.hgetall<Record<string, unknown>>(keys.incidentDecisions),
  ]);
  return Object.values(all ?? {})
    .flatMap((raw) => {
      const incident = parse(raw);
      return incident ? [withDecision(incident, decisions?.[incident.id])] : [];
    })
    .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}

export async function readIncident(redis: Redis, id: string): Promise<Incident | null> {
  const [raw, decision] = await Promise.all([redis.hget(keys.incidents, id), redis.hget(keys.incidentDecisions, id)]);
  const incident = parse(raw);
  return incident ? withDecision(incident, decision) : null;
}

/**
 * The merchant's call on an escalated incident. Written apart from the incident (first one
 * wins): a recovery run saves the incidents it loaded at its start, and a decision written
 * into that same value meanwhile was overwritten by the run's stale copy.
 */
export async function recordDecision(
  redis: Redis,
  id: string,
  decision: IncidentDecision,
): Promise<"recorded" | "missing" | "already_decided" | Incident["state"]> {
  const incident = await readIncident(redis, id);
  if (!incident) return "missing";
  if (incident.decision) return "already_decided";
  if (incident.state !== "awaiting_decision") return incident.state;
  return (await redis.hsetnx(keys.incidentDecisions, id, JSON.stringify(decision))) === 1 ? "recorded" : "already_decided";
}

export const saveIncident = (redis: Redis, incident: Incident) => redis.hset(keys.incidents, { [incident.id]: JSON.stringify(incident) });

// `n` (kept: refunded without restock) is absent from lines written before it existed.
const lineWire = z.object({
  r: z.number(),
  x: z.number(),
  n: z.number().default(0),
  k: z.number(),
  c: z.number(),
  nr: z.number().optional(),
  loc: z.string(),
  by: z.string(),
  // Routing (relocate events); absent on lines stored before it existed.
  rl: z.string().default(""),
  ra: z.number().default(0),
  rb: z.string().default(""),
});

/** A stored line (the apply script's short field names) in our terms, or null when it does not decode. */
function decodeLine(value: unknown): OrderLine | null {
  const l = decodeStored(lineWire, value);
  return l
    ? {
        reserved: l.r,
        released: l.x,
        kept: l.n,
        picked: l.k,
        cancelled: l.c === 1,
        cancelRestocks: l.nr !== 1,
        locationId: l.loc || null,
        locationBy: l.by || null,
        routedTo: l.rl || null,
        routedAt: l.ra,
        routedBy: l.rb || null,
      }
    : null;
}

/** One order line as the apply script keeps it, or null (a routing webhook may come before its order). */
export async function readLine(redis: Redis, sku: string, lineKey: string): Promise<OrderLine | null> {
  return decodeLine(await redis.hget<unknown>(keys.lines(sku), lineKey));
}

/** A SKU's order lines as the apply script keeps them. */
export async function readLines(redis: Redis, sku: string): Promise<Record<string, OrderLine>> {
  const raw = (await redis.hgetall<Record<string, unknown>>(keys.lines(sku))) ?? {};
  return Object.fromEntries(
    Object.entries(raw).flatMap(([lineKey, value]) => {
      const line = decodeLine(value);
      return line ? [[lineKey, line] as const] : [];
    }),
  );
}

/** SKU → its open oversold incident, so a run of oversold events opens one incident, not many. */
export async function openOversold(
  redis: Redis,
  sku: string,
  incident: Omit<Incident, "state" | "affected" | "orders" | "actions" | "decision">,
): Promise<boolean> {
  if ((await redis.hsetnx(keys.oversoldIndex, sku, incident.id)) === 0) return false;
  return openIncident(redis, incident);
}

export const closeOversold = (redis: Redis, sku: string) => redis.hdel(keys.oversoldIndex, sku);
