import { z } from "zod";
import { effectIdSchema, locationIdSchema, skuSchema } from "../../lib/domain/events";
import { secretEquals } from "../../lib/http/bearer";
import { log } from "../../lib/log";
import { listenOptionsShape, loadSaved, persistState, serveEmulator } from "../shared/emulator-boot";
import { HttpError, sendJson, type RouteContext } from "../shared/http";
import { ReplyKeys, requestFingerprint } from "../shared/reply-keys";
import type { ErpMovement, ErpProjectionRow } from "./erp-records";
import { erpStateSchema, MAX_KEYS_SAVED, MAX_MOVEMENTS_SAVED, restoreErp, snapshotErp, type ErpBooks } from "./saved-state";

/**
 * The ERP: a read-only consumer of what the app sends it (projections for purchasing,
 * movements for the books). Bearer-authenticated; an `Idempotency-Key` makes a re-sent
 * batch a no-op, as the app's outbound queue relies on.
 */
export interface ErpEmulatorOptions {
  port: number;
  host?: string;
  apiKey: string;
  /** Where the ERP keeps its books across restarts (see saved-state.ts); absent, they live in memory only. */
  stateFile?: string;
}

export interface ErpProjections {
  /** Latest (by `asOf`) SKU-wide projection. */
  projections: Record<string, ErpProjectionRow>;
  /** Latest per-location projections, when the app sends them. */
  byLocation: Record<string, Record<string, ErpProjectionRow>>;
}

export interface ErpStats {
  requests: number;
  unauthorized: number;
  idempotentReplays: number;
  idempotencyConflicts: number;
  projectionItems: number;
  staleProjectionItems: number;
  movementItems: number;
  duplicateMovements: number;
}

export interface ErpEmulator {
  url: string;
  stop(): Promise<void>;
  projections(): ErpProjections;
  movements(): ErpMovement[];
  stats(): ErpStats;
}

const count = z.number().int().min(-1_000_000).max(1_000_000);
const asOf = z.iso.datetime({ offset: true });

const projectionsSchema = z.object({
  items: z
    .array(
      z.object({
        sku: skuSchema,
        locationId: locationIdSchema.optional(),
        available: z.number().int().min(0).max(1_000_000),
        onHand: count.optional(),
        reserved: count.optional(),
        asOf,
      }),
    )
    .min(1)
    .max(1_000),
});

const movementsSchema = z.object({
  items: z
    .array(
      z.object({
        id: effectIdSchema,
        sku: skuSchema,
        kind: z.string().min(1).max(50),
        occurredAt: asOf,
        locationId: locationIdSchema.optional(),
        quantity: count.optional(),
        before: count.optional(),
        after: count.optional(),
        sourceUri: z.string().min(1).max(500).optional(),
      }),
    )
    .min(1)
    .max(1_000),
});

const optionsSchema = z.object({ ...listenOptionsShape, apiKey: z.string().min(1) });
const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7E]+$/);
const MAX_MOVEMENTS_KEPT = 100_000;

export async function startErpEmulator(options: ErpEmulatorOptions): Promise<ErpEmulator> {
  const opts = optionsSchema.parse(options);
  const saved = loadSaved(opts.stateFile, erpStateSchema);
  const totals = new Map<string, ErpProjectionRow>();
  const perLocation = new Map<string, Map<string, ErpProjectionRow>>();
  const movements = new Map<string, ErpMovement>();
  // Saved books are bounded: the file is rewritten on every request.
  const idempotency = new ReplyKeys({ maxKeys: opts.stateFile ? MAX_KEYS_SAVED : Infinity });
  const maxMovements = opts.stateFile ? MAX_MOVEMENTS_SAVED : MAX_MOVEMENTS_KEPT;
  const books: ErpBooks = { totals, perLocation, movements, idempotency };
  if (saved) restoreErp(saved, books);
  const persistence = persistState(opts.stateFile, () => snapshotErp(books));
  const counters: ErpStats = {
    requests: 0,
    unauthorized: 0,
    idempotentReplays: 0,
    idempotencyConflicts: 0,
    projectionItems: 0,
    staleProjectionItems: 0,
    movementItems: 0,
    duplicateMovements: 0,
  };

  /** Auth, then the key: a replay answers the first response and applies nothing. */
  const accept = async <T extends z.ZodType>(ctx: RouteContext, route: string, schema: T, apply: (body: z.infer<T>) => unknown): Promise<void> => {
    counters.requests++;
    if (!secretEquals(ctx.req.headers.authorization, `Bearer ${opts.apiKey}`)) {
      counters.unauthorized++;
      throw new HttpError(401, "unauthorized", { "www-authenticate": "Bearer" });
    }
    const rawKey = ctx.req.headers["idempotency-key"];
    const key = rawKey === undefined ? undefined : idempotencyKeySchema.safeParse(rawKey);
    if (key && !key.success) throw new HttpError(400, "Idempotency-Key must be 1-255 printable characters");
    const body = await ctx.json(schema);
    if (!key) return sendJson(ctx.res, 200, apply(body));
    const print = requestFingerprint(route, body);
    const seen = idempotency.recall("erp", key.data, print);
    if (seen.kind === "mismatch") {
      counters.idempotencyConflicts++;
      return sendJson(ctx.res, 422, { error: "idempotency_key_reused" });
    }
    if (seen.kind === "replay") {
      counters.idempotentReplays++;
      return sendJson(ctx.res, seen.value.status, seen.value.body, { "idempotent-replayed": "true" });
    }
    const result = apply(body);
    idempotency.remember("erp", key.data, print, { status: 200, body: result });
    return sendJson(ctx.res, 200, result);
  };

  const applyProjections = (body: z.infer<typeof projectionsSchema>) => {
    const receivedAt = new Date().toISOString();
    let stale = 0;
    for (const item of body.items) {
      const row: ErpProjectionRow = {
        available: item.available,
        asOf: item.asOf,
        receivedAt,
        ...(item.onHand !== undefined ? { onHand: item.onHand } : {}),
        ...(item.reserved !== undefined ? { reserved: item.reserved } : {}),
      };
      let table = totals;
      if (item.locationId !== undefined) {
        table = perLocation.get(item.sku) ?? new Map<string, ErpProjectionRow>();
        perLocation.set(item.sku, table);
      }
      const slot = item.locationId ?? item.sku;
      const current = table.get(slot);
      // Batches can arrive out of order; the ERP keeps the newest number it has seen.
      if (current && Date.parse(current.asOf) > Date.parse(item.asOf)) stale++;
      else table.set(slot, row);
    }
    counters.projectionItems += body.items.length;
    counters.staleProjectionItems += stale;
    return { accepted: body.items.length, stale };
  };

  const applyMovements = (body: z.infer<typeof movementsSchema>) => {
    let duplicates = 0;
    for (const item of body.items) {
      if (movements.has(item.id)) duplicates++;
      else movements.set(item.id, item);
    }
    while (movements.size > maxMovements) movements.delete(movements.keys().next().value ?? "");
    counters.movementItems += body.items.length - duplicates;
    counters.duplicateMovements += duplicates;
    return { accepted: body.items.length - duplicates, duplicates };
  };

  const projections = (): ErpProjections => ({
    projections: Object.fromEntries(totals),
    byLocation: Object.fromEntries([...perLocation].map(([sku, rows]) => [sku, Object.fromEntries(rows)])),
  });

  const server = await serveEmulator({
    name: "erp emulator",
    listen: opts,
    persistence,
    routes: {
      "POST /api/projections": (ctx) => accept(ctx, "POST /api/projections", projectionsSchema, applyProjections),
      "POST /api/movements": (ctx) => accept(ctx, "POST /api/movements", movementsSchema, applyMovements),
      "GET /_emulator/projections": () => projections(),
      "GET /_emulator/movements": () => ({ movements: [...movements.values()] }),
      "GET /_emulator/stats": () => ({ ...counters }),
    },
  });

  log.info("erp_emulator.started", { url: server.url, resumed: saved !== null });
  return {
    url: server.url,
    stop: () => {
      persistence.close();
      return server.stop();
    },
    projections,
    movements: () => [...movements.values()],
    stats: () => ({ ...counters }),
  };
}
