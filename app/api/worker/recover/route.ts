import { cronJson, cronRoute } from "../cron-route";
import { recoverIncidents } from "@/workers/recovery";

/** GET /api/worker/recover — cron: move every open oversell incident one step further (202: another run holds the lease). */
export const maxDuration = 60;

export const GET = cronRoute("recover", 30, async (ctx) => {
  const stats = await recoverIncidents(ctx);
  return cronJson(stats ?? { busy: true }, stats ? 200 : 202);
});
