export { startPosEmulator, type PosEmulator, type PosEmulatorOptions, type PosStats } from "./pos-emulator";
export type { PosSale, PosSaleLine } from "./pos-sale";
