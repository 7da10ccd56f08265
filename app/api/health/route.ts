import { connection } from "next/server";
import { getRedis } from "@/lib/redis/client";
import { errorMessage, log } from "@/lib/log";

/** GET /api/health — 200 {"ok":true} when Redis answers, 503 otherwise. Always at request time. */
export async function GET(): Promise<Response> {
  await connection();
  try {
    await getRedis().ping();
    return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error("health.redis_unreachable", { error: errorMessage(error) });
    return Response.json({ ok: false, error: "redis unreachable" }, { status: 503, headers: { "Retry-After": "1", "Cache-Control": "no-store" } });
  }
}
