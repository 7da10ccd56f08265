/**
 * What the ERP books: the latest stock projection per SKU (and location) and each movement
 * once; its own file so the emulator and its saved state both name them without importing
 * each other.
 */
export interface ErpProjectionRow {
  available: number;
  onHand?: number;
  reserved?: number;
  asOf: string;
  receivedAt: string;
}

export interface ErpMovement {
  id: string;
  sku: string;
  kind: string;
  occurredAt: string;
  locationId?: string;
  quantity?: number;
  before?: number;
  after?: number;
  sourceUri?: string;
}
