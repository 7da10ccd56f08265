/**
 * How a SKU is written inside a Redis key (docs/architecture.md#redis-keys). SKUs are free text
 * (lib/domain/events.ts skuSchema), but a key holds the SKU inside a `{…}` Cluster hash tag, so a
 * `}` (or an empty tag, `{}`) would move a SKU's keys to different slots and break the apply
 * script. Every UTF-8 byte outside the old SKU alphabet (letters, digits, space and `. _ - / # + :`)
 * is percent-encoded, `%` itself included: reversible, and the keys of every SKU that was valid
 * before stay byte for byte what they were (no migration).
 *
 * Bound: MAX_SKU_LENGTH (255) code points × 4 UTF-8 bytes × 3 characters = 3,060 bytes of key.
 */
const KEEP = /^[A-Za-z0-9 ._\-/#+:]$/;
const utf8 = new TextEncoder();

export function encodeSkuForKey(sku: string): string {
  let out = "";
  for (const char of sku) {
    if (KEEP.test(char)) out += char;
    else for (const byte of utf8.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The SKU back from its key form (for tools that list keys; the app never needs to). */
export const decodeSkuFromKey = (encoded: string): string => decodeURIComponent(encoded);
