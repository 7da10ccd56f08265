export { startWmsEmulator, type WmsEmulator, type WmsEmulatorOptions, type WmsStats } from "./wms-emulator";
export type { WmsOrder, WmsOrderLine, OrderStatus, LineStatus, Lag } from "./warehouse";
export { orderRequestSchema, type OrderRequest } from "./schemas";
export {
  FulfillmentClient,
  forwardCallSchema,
  pendingForwardSchema,
  type ForwardCall,
  type FulfillmentClientOptions,
  type FulfillmentStats,
  type PendingForward,
  type SubmitOptions,
} from "./fulfillment-client";
