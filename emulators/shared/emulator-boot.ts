import { z } from "zod";
import { startJsonServer, type Routes } from "./http";
import { inMemory, loadStateFile, persistTo, type Persistence } from "./state-file";

/**
 * The start-up the marketplace, POS, WMS and ERP emulators share: the same listen options, the
 * state file read once, a persistence that writes it back (timer-driven parts saved soon after
 * they change), and a JSON server that saves before it answers a change.
 */
export const listenOptionsShape = {
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1).optional(),
  stateFile: z.string().min(1).optional(),
};

/** Where an emulator posts its signed webhooks. */
export const webhookTargetSchema = z.object({ url: z.url(), secret: z.string().min(1) });

/** The saved state, or null when the emulator keeps none or starts afresh. */
export const loadSaved = <S extends z.ZodType>(stateFile: string | undefined, schema: S): z.infer<S> | null =>
  stateFile ? loadStateFile(stateFile, schema) : null;

/** A part that changes on its own timers (a delivery acknowledged, a forward answered). */
interface TimerDriven {
  onChange: () => void;
}

/** Saves to `stateFile` (or nowhere), and soon after any of `timerDriven` changes. */
export function persistState(stateFile: string | undefined, snapshot: () => unknown, timerDriven: readonly (TimerDriven | undefined)[] = []): Persistence {
  const persistence = stateFile ? persistTo(stateFile, snapshot) : inMemory;
  for (const part of timerDriven) if (part) part.onChange = persistence.saveSoon;
  return persistence;
}

/** The emulator's JSON server; a change is on disk before the client hears it happened. */
export const serveEmulator = (opts: { name: string; listen: { port: number; host?: string | undefined }; persistence: Persistence; routes: Routes }) =>
  startJsonServer({
    name: opts.name,
    port: opts.listen.port,
    ...(opts.listen.host ? { host: opts.listen.host } : {}),
    beforeRespond: opts.persistence.saveNow,
    routes: opts.routes,
  });
