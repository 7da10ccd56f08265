import { describe, expect, it } from "vitest";
import { coalesce, inFlight } from "@/lib/single-flight";

/** A gate the test opens by hand: rounds end when the test says so, never by timing. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("coalesce", () => {
  it("calls during a run share it and make it go round exactly once more", async () => {
    const gates = [gate(), gate()];
    let rounds = 0;
    const round = async () => {
      const n = rounds++;
      await gates[n]!.promise;
      return n + 1;
    };
    const first = coalesce("k", round, (a, b) => a + b);
    const second = coalesce("k", round, (a, b) => a + b);
    const third = coalesce("k", round, (a, b) => a + b);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(inFlight("k")).toBe(true);
    gates[0]!.open();
    gates[1]!.open();
    await expect(first).resolves.toBe(1 + 2); // two rounds merged, not three
    expect(rounds).toBe(2);
    expect(inFlight("k")).toBe(false);
  });

  it("a call after the run ended starts a new one; keys are independent", async () => {
    let rounds = 0;
    await coalesce("a", async () => ++rounds);
    await coalesce("a", async () => ++rounds);
    expect(rounds).toBe(2);
    const g = gate();
    const a = coalesce("x", async () => (await g.promise, "x"));
    const b = coalesce("y", async () => "y");
    await expect(b).resolves.toBe("y");
    expect(inFlight("x")).toBe(true);
    g.open();
    await expect(a).resolves.toBe("x");
  });

  it("the last round's result is the default; a failing round rejects every caller and frees the key", async () => {
    const g = gate();
    let rounds = 0;
    const run = () => coalesce("r", async () => (++rounds === 1 ? (await g.promise, "first") : "second"));
    const p = run();
    void run();
    g.open();
    await expect(p).resolves.toBe("second");
    const failing = coalesce("f", async () => {
      throw new Error("boom");
    });
    await expect(failing).rejects.toThrow("boom");
    expect(inFlight("f")).toBe(false);
  });
});
