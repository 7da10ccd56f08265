export { startWmsEmulator, type WmsEmulator, type WmsEmulatorOptions, type WmsStats } from "./wms-emulator";
export type { WmsOrder, WmsOrderLine, OrderStatus, LineStatus, Lag } from "./warehouse";
export { orderRequestSchema, type OrderRequest } from "./schemas";
export { FulfillmentClient, type FulfillmentStats } from "./fulfillment-client";
