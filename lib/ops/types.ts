/**
 * What the ops dashboard shows, as plain serializable data (server reads → client charts).
 */
export type SystemId = "wms" | "shopify" | "marketplace" | "pos" | "erp" | "stock-layer" | "storefront" | "cron";

export interface FlowNode {
  id: SystemId;
  label: string;
  /** e.g. "physical truth", "online store". */
  role: string;
}

export interface FlowEdge {
  id: string;
  from: SystemId;
  to: SystemId;
  /** e.g. "signed webhooks", "inventoryAdjustQuantities", "drain cron". */
  label: string;
  kind: "webhook" | "write" | "read" | "cron";
  /** Events or calls per minute, averaged over the window. */
  perMinute: number;
  /** Typical lag in ms over the window (webhook: received − occurred; write: call duration), null when unknown. */
  lagMs: number | null;
  /** Per-minute counts, oldest first (a sparkline). */
  series: number[];
}

export interface FlowGraph {
  windowMinutes: number;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface DriftPoint {
  /** ms since epoch. */
  at: number;
  channel: string;
  checked: number;
  drifted: number;
  absDrift: number;
  corrected: number;
}

export interface Gauge {
  label: string;
  value: number;
  max: number;
  /** e.g. "points", "SKUs". */
  unit: string;
}
