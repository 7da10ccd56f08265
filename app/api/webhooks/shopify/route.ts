import { shopifySource } from "@/lib/sources/webhook-sources";
import { handleWebhook } from "@/workers/webhook-intake";

/** POST /api/webhooks/shopify — signed deliveries from Shopify (orders/create, orders/cancelled, refunds/create) (docs/architecture.md#http-routes). */
export const POST = (request: Request): Promise<Response> => handleWebhook(request, shopifySource);
