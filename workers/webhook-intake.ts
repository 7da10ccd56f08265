import { after } from "next/server";
import { stockContext, type StockContext } from "@/lib/context";
import { verifySignature } from "@/lib/http/hmac";
import { parseJsonExact } from "@/lib/http/parse-json";
import { BodyTooLargeError, readRawBody } from "@/lib/http/read-body";
import { errorMessage, log } from "@/lib/log";
import { enqueueDelivery, pushDeadLetter } from "@/lib/redis/intake-queue";
import { countMetrics } from "@/lib/redis/metrics";
import { metricFields } from "@/lib/redis/keys";
import { PayloadError, type RejectedLine } from "@/lib/sources/payload-error";
import { normalizeShopDomain, sameShop } from "@/lib/sources/shop-domain";
import type { WebhookSource } from "@/lib/sources/webhook-sources";
import { routingTopicSchema } from "@/lib/sources/shopify-routing";
import { applyCatalogChange } from "./shell-revalidation";
import { forgetShopifyItems } from "@/lib/channels/shopify-adapter";
import { releaseRejected } from "@/lib/redis/channel-store";
import { RoutingReadUnavailable, routingEvents } from "./shopify-routing";
import { drainSoon } from "./drain";
import { flushSoon } from "./flush";

/**
 * The one intake path for every webhook: size limit → HMAC on the raw bytes → parse →
 * durable enqueue → 202, then apply right after the response. Nothing is applied before
 * the signature checks out; nothing is acknowledged before Redis holds it (I7).
 */
export async function handleWebhook(request: Request, def: WebhookSource, ctx: StockContext = stockContext()): Promise<Response> {
  const secret = process.env[def.secretEnv];
  if (!secret) {
    log.error("webhook.misconfigured", { source: def.source, missing: def.secretEnv });
    return Response.json({ error: "webhook receiver is not configured" }, { status: 500 });
  }

  let raw: Buffer;
  try {
    raw = await readRawBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return Response.json({ error: `body too large: limit is ${error.limit} bytes` }, { status: 413 });
    throw error;
  }

  if (!verifySignature(raw, request.headers.get(def.signatureHeader), secret)) {
    log.warn("webhook.rejected_signature", { source: def.source, bytes: raw.length });
    return Response.json({ error: `missing or invalid ${def.signatureHeader} signature` }, { status: 401 });
  }

  if (def.origin) {
    const configured = process.env[def.origin.env];
    if (!configured) {
      log.error("webhook.misconfigured", { source: def.source, missing: def.origin.env });
      return Response.json({ error: "webhook receiver is not configured" }, { status: 500 });
    }
    const claimed = request.headers.get(def.origin.header);
    // 403, not 401: the signature is good (the app's secret is shared by every install), but the
    // delivery is for another store. Nothing is stored; the other shop's retries stay its own.
    if (!sameShop(claimed, configured)) {
      const shown = claimed === null ? null : claimed.slice(0, 255);
      log.warn("webhook.wrong_shop", { source: def.source, shopDomain: shown, expected: normalizeShopDomain(configured) });
      const error = shown === null ? "header is required" : `deliveries from ${shown} are not for this store`;
      return Response.json({ error: `${canonicalHeader(def.origin.header)}: ${error}` }, { status: 403 });
    }
  }

  const { redis } = ctx;
  const deliveryId = def.deliveryId(request.headers);
  const facts = def.logFields?.(request.headers) ?? {};
  const sentVersion = def.apiVersion ? request.headers.get(def.apiVersion.header) : null;
  if (def.apiVersion && sentVersion !== def.apiVersion.expected)
    log.warn("webhook.api_version_mismatch", {
      source: def.source,
      ...facts,
      apiVersion: sentVersion?.slice(0, 40) ?? null,
      expected: def.apiVersion.expected,
    });
  let events;
  let change;
  const rejected: RejectedLine[] = [];
  try {
    const body = parseJson(raw);
    change = def.catalogChange?.(request.headers, body) ?? null;
    // The policy maps Shopify's location ids to ours and says whether test orders count.
    events = change ? [] : def.parse(request.headers, body, { policy: await ctx.policy(), rejected });
    // Routing webhooks carry ids only: read the fulfillment orders now, before the 2xx (shopify-routing.ts).
    const routing = def.source === "shopify" && events === null ? routingTopicSchema.safeParse(request.headers.get("x-shopify-topic")) : null;
    if (routing?.success) events = await routingEvents(ctx, routing.data, body);
  } catch (error) {
    if (error instanceof RoutingReadUnavailable) {
      log.warn("webhook.routing_read_failed", { source: def.source, deliveryId, error: error.message });
      return unavailable();
    }
    if (!(error instanceof PayloadError)) throw error;
    log.warn("webhook.malformed", { source: def.source, field: error.field, deliveryId });
    try {
      await pushDeadLetter(redis, {
        source: def.source,
        receivedAt: new Date(ctx.now()).toISOString(),
        error: error.message,
        field: error.field,
        body: raw.toString("utf8"),
      });
    } catch (storeError) {
      // Without the dead letter the sender must keep its copy: ask it to retry.
      log.error("webhook.dead_letter_failed", { source: def.source, error: errorMessage(storeError) });
      return unavailable();
    }
    return Response.json({ error: error.message, field: error.field }, { status: 400 });
  }

  if (change) {
    // A variant re-created, a SKU moved or added: cached item ids may be stale, and items refused
    // for them deserve another try.
    await forgetShopifyItems(redis);
    await releaseRejected(redis, "shopify", ctx.now(), 0);
    const tags = applyCatalogChange(change, new URL(request.url).origin);
    return Response.json({ accepted: 0, revalidated: tags });
  }

  if (events === null) {
    log.info("webhook.ignored_topic", { source: def.source, topic: request.headers.get("x-shopify-topic"), deliveryId });
    return Response.json({ accepted: 0, ignored: true });
  }

  if (rejected.length > 0) {
    // The good lines go on; the delivery is kept once, naming every line left out.
    log.warn("webhook.lines_rejected", { source: def.source, deliveryId, fields: rejected.map((r) => r.field) });
    try {
      await pushDeadLetter(redis, {
        source: def.source,
        receivedAt: new Date(ctx.now()).toISOString(),
        error: `${rejected.length} line(s) not applied (the rest were): ${rejected
          .map((r) => r.error)
          .join("; ")
          .slice(0, 2_000)}`,
        field: rejected[0]!.field,
        body: raw.toString("utf8"),
      });
    } catch (storeError) {
      log.error("webhook.dead_letter_failed", { source: def.source, error: errorMessage(storeError) });
      return unavailable();
    }
  }

  let streamId: string | null;
  try {
    streamId = events.length === 0 ? null : await enqueueDelivery(redis, def.source, deliveryId, events);
  } catch (error) {
    log.error("webhook.enqueue_failed", { source: def.source, deliveryId, error: errorMessage(error) });
    return unavailable();
  }
  const duplicate = events.length > 0 && streamId === null;
  // Apply right after the response; every applied batch wakes the channel flush, which keeps
  // going while there is work (a steady stream must not starve the channels).
  if (streamId)
    after(() =>
      drainSoon(ctx, () => void flushSoon(ctx)).then(
        () => flushSoon(ctx),
        () => undefined,
      ),
    );
  log.info("webhook.accepted", { source: def.source, ...facts, deliveryId, events: events.length, duplicate, streamId });
  if (!duplicate && events.length > 0) {
    const now = ctx.now();
    const lags = events.map((e) => now - Date.parse(e.occurredAt)).filter((ms) => ms >= 0 && ms < 86_400_000);
    void countMetrics(
      redis,
      {
        [metricFields.in(def.source)]: events.length,
        [metricFields.lagSum(def.source)]: lags.reduce((a, b) => a + b, 0),
        [metricFields.lagCount(def.source)]: lags.length,
      },
      now,
    );
  }
  return Response.json(
    {
      accepted: duplicate ? 0 : events.length,
      duplicate,
      ...(streamId ? { id: streamId } : {}),
      ...(rejected.length > 0 ? { rejected: rejected.length } : {}),
    },
    { status: 202 },
  );
}

function parseJson(raw: Buffer): unknown {
  try {
    return parseJsonExact(raw.toString("utf8"));
  } catch {
    throw new PayloadError("(body)", "body is not valid JSON");
  }
}

/** `x-shopify-shop-domain` → `X-Shopify-Shop-Domain`, as the error names it. */
const canonicalHeader = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

const unavailable = () => Response.json({ error: "temporarily unavailable, retry" }, { status: 503, headers: { "Retry-After": "2" } });
