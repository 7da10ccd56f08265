/**
 * A till's sale as the POS records and posts it (a voided sale is posted again with its new
 * status); its own file so the emulator and its saved state both name it without importing
 * each other.
 */
export interface PosSaleLine {
  id: string;
  sku: string;
  quantity: number;
  priceCents?: number;
}

export interface PosSale {
  id: string;
  occurredAt: string;
  status: "completed" | "voided";
  lines: PosSaleLine[];
}
