import { marketplaceSource } from "@/lib/sources/webhook-sources";
import { handleWebhook } from "@/workers/intake";

/** POST /api/webhooks/marketplace — signed deliveries from the marketplace (DESIGN §9). */
export const POST = (request: Request): Promise<Response> => handleWebhook(request, marketplaceSource);
