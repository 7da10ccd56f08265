import { describe, expect, it } from "vitest";
import { parseJsonExact } from "@/lib/http/parse-json";

describe("exact JSON parsing", () => {
  it("keeps integers beyond 2^53 as strings and everything else as JSON.parse would", () => {
    const text = '{"id":820982911946154508,"line":16138219012141,"price":19.99,"neg":-3,"list":[1e3,"x",null,true]}';
    expect(parseJsonExact(text)).toEqual({ id: "820982911946154508", line: 16138219012141, price: 19.99, neg: -3, list: [1000, "x", null, true] });
  });

  it("rejects what JSON.parse rejects", () => {
    expect(() => parseJsonExact("{not json")).toThrow();
  });
});
