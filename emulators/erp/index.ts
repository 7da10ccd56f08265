export { startErpEmulator, type ErpEmulator, type ErpEmulatorOptions, type ErpProjections, type ErpStats } from "./erp-emulator";
export type { ErpMovement, ErpProjectionRow } from "./erp-records";
