export { startPosEmulator, type PosEmulator, type PosEmulatorOptions, type PosSale, type PosSaleLine, type PosStats } from "./pos-emulator";
