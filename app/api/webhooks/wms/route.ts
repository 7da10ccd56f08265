import { wmsSource } from "@/lib/sources/webhook-sources";
import { handleWebhook } from "@/workers/webhook-intake";

/** POST /api/webhooks/wms — signed deliveries from the WMS/3PL (docs/architecture.md#http-routes). */
export const POST = (request: Request): Promise<Response> => handleWebhook(request, wmsSource);
