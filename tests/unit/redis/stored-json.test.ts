import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeStored, decodeStoredList, storedJson } from "@/lib/redis/stored-json";

/** The one reader of stored JSON: whatever shape the client hands back, checked, never cast. */
const mail = z.object({ id: z.string(), n: z.number() });

describe("decodeStored", () => {
  it("reads a JSON string and an already-parsed value alike", () => {
    expect(decodeStored(mail, '{"id":"a","n":1}')).toEqual({ id: "a", n: 1 });
    expect(decodeStored(mail, { id: "a", n: 1 })).toEqual({ id: "a", n: 1 });
  });

  it("gives null for what is absent, not JSON, or not what we wrote", () => {
    expect(decodeStored(mail, null)).toBeNull();
    expect(decodeStored(mail, undefined)).toBeNull();
    expect(decodeStored(mail, "{not json")).toBeNull();
    expect(decodeStored(mail, '{"id":"a"}')).toBeNull();
    expect(decodeStored(mail, { id: 1, n: 1 })).toBeNull();
  });

  it("keeps a plain string for a schema that wants one", () => {
    expect(decodeStored(z.string(), "hello")).toBe("hello");
    expect(decodeStored(z.string(), '"quoted"')).toBe("quoted");
  });
});

describe("decodeStoredList", () => {
  it("keeps the values that decode, in order", () => {
    expect(decodeStoredList(mail, ['{"id":"a","n":1}', "junk", { id: "b", n: 2 }, null])).toEqual([
      { id: "a", n: 1 },
      { id: "b", n: 2 },
    ]);
  });
});

describe("storedJson", () => {
  it("decodes one field of a record, and fails the record with the inner issue when the field is wrong", () => {
    const record = z.object({ position: storedJson(z.object({ page: z.number() })) });
    expect(record.parse({ position: '{"page":3}' })).toEqual({ position: { page: 3 } });
    expect(record.parse({ position: { page: 4 } })).toEqual({ position: { page: 4 } });
    const bad = record.safeParse({ position: '{"page":"x"}' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["position", "page"]);
  });
});
