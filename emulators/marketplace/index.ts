export {
  lateDelivery,
  startMarketplaceEmulator,
  type MarketplaceEmulator,
  type MarketplaceEmulatorOptions,
  type MarketplaceStats,
} from "./marketplace-emulator";
export type { MarketOrder, MarketOrderLine, AppliedAdjustment } from "./market";
