export { startErpEmulator, type ErpEmulator, type ErpEmulatorOptions, type ErpMovement, type ErpProjectionRow, type ErpProjections, type ErpStats } from "./erp-emulator";
