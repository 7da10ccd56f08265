import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadStateFile, persistTo, StateFileError, writeStateFile } from "@/emulators/shared/state-file";

/** The emulators' state on disk: what a restart reads back, and what it refuses to read. */
const dir = mkdtempSync(path.join(os.tmpdir(), "state-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const schema = z.object({ stock: z.record(z.string(), z.number().int()) });
let n = 0;
const fresh = () => path.join(dir, `world-${n++}.json`);

describe("emulator state files", () => {
  it("no file is a first start (null); a written state reads back whole", () => {
    const file = fresh();
    expect(loadStateFile(file, schema)).toBeNull();
    writeStateFile(file, JSON.stringify({ stock: { A: 3, B: 0 } }));
    expect(loadStateFile(file, schema)).toEqual({ stock: { A: 3, B: 0 } });
    // Written by rename: no temporary file is left beside it.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it.each([
    ["a torn write (the file cut short)", (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2)), /not valid JSON/],
    ["a changed byte in the state", (file: string) => writeFileSync(file, readFileSync(file, "utf8").replace('\\"A\\":3', '\\"A\\":4')), /checksum mismatch/],
    ["a file that is not ours", (file: string) => writeFileSync(file, JSON.stringify({ stock: { A: 3 } })), /not an emulator state file/],
    ["a state that fails its schema", (file: string) => writeStateFile(file, JSON.stringify({ stock: { A: "three" } })), /stock\.A/],
  ])("%s is reported, naming the file and the way to start over, never read as an empty world", (_case, damage, reason) => {
    const file = fresh();
    writeStateFile(file, JSON.stringify({ stock: { A: 3 } }));
    damage(file);
    let error: unknown;
    try {
      loadStateFile(file, schema);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain("npm start -- --fresh");
  });

  it("saveNow writes only what changed; saveSoon writes once after the current callback; close writes a last time and then never", async () => {
    const file = fresh();
    const world = { stock: { A: 1 } as Record<string, number> };
    const persistence = persistTo(file, () => world);
    persistence.saveNow();
    const first = readFileSync(file, "utf8");
    persistence.saveNow(); // unchanged: not rewritten (savedAt would differ)
    expect(readFileSync(file, "utf8")).toBe(first);

    world.stock.A = 2;
    persistence.saveSoon();
    persistence.saveSoon();
    expect(loadStateFile(file, schema)?.stock.A).toBe(1); // not yet: after this callback
    await new Promise((resolve) => setImmediate(resolve));
    expect(loadStateFile(file, schema)?.stock.A).toBe(2);

    world.stock.A = 3;
    persistence.close();
    expect(loadStateFile(file, schema)?.stock.A).toBe(3);
    world.stock.A = 4;
    persistence.saveNow();
    persistence.saveSoon();
    await new Promise((resolve) => setImmediate(resolve));
    expect(loadStateFile(file, schema)?.stock.A).toBe(3);
  });

  it("a save lands before a webhook scheduled with setTimeout in the same callback leaves", async () => {
    const file = fresh();
    const world = { stock: { A: 1 } as Record<string, number> };
    const persistence = persistTo(file, () => world);
    const seenAtSend = await new Promise<number | undefined>((resolve) => {
      setTimeout(() => {
        // A timer-driven change (a pick), its webhook scheduled at once, the save asked for after.
        world.stock.A = 0;
        setTimeout(() => resolve(loadStateFile(file, schema)?.stock.A), 0);
        persistence.saveSoon();
      }, 0);
    });
    expect(seenAtSend).toBe(0);
  });
});
