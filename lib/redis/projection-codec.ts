import { z } from "zod";
import { channelSchema, type Channel } from "../domain/events";
import type { Projection } from "../domain/projection";

/** One SKU as stored in its projection hash, reshaped for the domain. */
export interface SkuSnapshot {
  projection: Projection;
  /** Per-SKU buffer overrides (merchant-editable), by channel. */
  buffers: Partial<Record<Channel, number>>;
  version: number;
  updatedAt: number;
}

const fieldValue = z.coerce.number().int();

/** Accepts the hash as `HGETALL` gives it (record) or as a Lua script returns it (flat array). */
export function decodeProjectionHash(raw: Record<string, unknown> | readonly unknown[] | null | undefined): SkuSnapshot | null {
  if (!raw) return null;
  const entries: [string, unknown][] = Array.isArray(raw)
    ? Array.from({ length: Math.floor(raw.length / 2) }, (_, i) => [String(raw[2 * i]), raw[2 * i + 1]])
    : Object.entries(raw);
  if (entries.length === 0) return null;
  const snapshot: SkuSnapshot = { projection: { onHand: {}, reserved: {}, unassigned: 0 }, buffers: {}, version: 0, updatedAt: 0 };
  for (const [field, value] of entries) {
    const n = fieldValue.safeParse(value);
    if (!n.success) continue;
    const [prefix, rest] = splitField(field);
    if (prefix === "oh") snapshot.projection.onHand[rest] = n.data;
    else if (prefix === "rs" && rest === "*") snapshot.projection.unassigned = n.data;
    else if (prefix === "rs") snapshot.projection.reserved[rest] = n.data;
    else if (prefix === "buf") {
      const channel = channelSchema.safeParse(rest);
      if (channel.success) snapshot.buffers[channel.data] = n.data;
    } else if (field === "v") snapshot.version = n.data;
    else if (field === "at") snapshot.updatedAt = n.data;
  }
  return snapshot;
}

const splitField = (field: string): [string, string] => {
  const i = field.indexOf(":");
  return i < 0 ? [field, ""] : [field.slice(0, i), field.slice(i + 1)];
};
