import { cronJson, cronRoute } from "../cron-route";
import { flushChannels } from "@/workers/flush";

/** GET /api/worker/flush — cron: push whatever the event path left dirty or unconfirmed. */
export const maxDuration = 60;

export const GET = cronRoute("flush", 5, async (ctx) => cronJson({ channels: await flushChannels(ctx, { maxMs: 50_000 }) }));
