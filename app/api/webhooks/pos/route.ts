import { posSource } from "@/lib/sources/webhook-sources";
import { handleWebhook } from "@/workers/intake";

/** POST /api/webhooks/pos — signed deliveries from the store POS (DESIGN §9). */
export const POST = (request: Request): Promise<Response> => handleWebhook(request, posSource);
