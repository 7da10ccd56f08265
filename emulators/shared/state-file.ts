import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * An emulator's state on disk, kept the way the real systems keep theirs: it survives a restart
 * of `npm start`. Written whole to a temporary file, fsynced, then renamed over the old one, so
 * a crash leaves either the previous state or the new one, never half of each. Each file carries
 * a SHA-256 of its state: a file that does not parse, fails its schema or its checksum is
 * reported (`StateFileError`), never silently replaced by an empty world.
 */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file} is torn or corrupt (${reason}); start over with \`npm start -- --fresh\``);
  }
}

const envelopeSchema = z.object({ format: z.literal(1), savedAt: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), state: z.string() });

const digest = (text: string) => createHash("sha256").update(text).digest("hex");

/** The saved state, or null when none was ever saved (a first start). */
export function loadStateFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> | null {
  if (!existsSync(file)) return null;
  let envelope: z.infer<typeof envelopeSchema>;
  try {
    envelope = envelopeSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new StateFileError(file, error instanceof SyntaxError ? "not valid JSON" : "not an emulator state file");
  }
  if (digest(envelope.state) !== envelope.sha256) throw new StateFileError(file, "checksum mismatch");
  const parsed = schema.safeParse(JSON.parse(envelope.state));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateFileError(file, `${issue?.path.join(".") || "(state)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Atomically replaces `file` with `state` (temp file, fsync, rename, fsync of the folder). */
export function writeStateFile(file: string, stateJson: string, now = new Date()): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const text = JSON.stringify({ format: 1, savedAt: now.toISOString(), sha256: digest(stateJson), state: stateJson });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const dir = openSync(path.dirname(file), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export interface Persistence {
  /** Writes the state now if it changed since the last write. Called before a mutating request is answered. */
  saveNow(): void;
  /**
   * Writes after the current callback (setImmediate): for timer-driven changes (a pick, a batch).
   * Node runs the check phase before the next timers phase, so the write lands before any webhook
   * the change scheduled with setTimeout leaves.
   */
  saveSoon(): void;
  /** A last write, then no more. */
  close(): void;
}

/** No state file: tests and load runs keep their world in memory only. */
export const inMemory: Persistence = { saveNow: () => undefined, saveSoon: () => undefined, close: () => undefined };

export function persistTo(file: string, snapshot: () => unknown): Persistence {
  let last = "";
  let pending: NodeJS.Immediate | null = null;
  let closed = false;
  const saveNow = () => {
    if (closed) return;
    if (pending) clearImmediate(pending);
    pending = null;
    const json = JSON.stringify(snapshot());
    if (json === last) return;
    writeStateFile(file, json);
    last = json;
  };
  return {
    saveNow,
    saveSoon: () => {
      if (!closed && !pending) pending = setImmediate(saveNow);
    },
    close: () => {
      saveNow();
      closed = true;
    },
  };
}
