import { z } from "zod";
import { channelSchema } from "../domain/events";
import type { SkuSnapshot } from "../domain/projection";
import { projectionFields as F } from "./keys";

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
    if (field === F.unassigned) snapshot.projection.unassigned = n.data;
    else if (field.startsWith(F.onHandPrefix)) snapshot.projection.onHand[field.slice(F.onHandPrefix.length)] = n.data;
    else if (field.startsWith(F.reservedPrefix)) snapshot.projection.reserved[field.slice(F.reservedPrefix.length)] = n.data;
    else if (field.startsWith(F.bufferPrefix)) {
      const channel = channelSchema.safeParse(field.slice(F.bufferPrefix.length));
      if (channel.success) snapshot.buffers[channel.data] = n.data;
    } else if (field === F.version) snapshot.version = n.data;
    else if (field === F.updatedAt) snapshot.updatedAt = n.data;
  }
  return snapshot;
}
