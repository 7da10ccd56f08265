import { posSource } from "@/lib/sources/webhook-sources";
import { handleWebhook } from "@/workers/webhook-intake";

/** POST /api/webhooks/pos — signed deliveries from the store POS (docs/architecture.md#http-routes). */
export const POST = (request: Request): Promise<Response> => handleWebhook(request, posSource);
