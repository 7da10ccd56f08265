import { marketplaceSource } from "@/lib/sources/webhook-sources";
import { handleWebhook } from "@/workers/webhook-intake";

/** POST /api/webhooks/marketplace — signed deliveries from the marketplace (docs/architecture.md#http-routes). */
export const POST = (request: Request): Promise<Response> => handleWebhook(request, marketplaceSource);
