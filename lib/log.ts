/**
 * Structured logs: one JSON line per event. Callers pass ids (sku, eventId, channel),
 * never secrets or whole payloads.
 */
type Level = "info" | "warn" | "error";
type Fields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

function write(level: Level, event: string, fields: Fields): void {
  const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

export const log = {
  info: (event: string, fields: Fields = {}) => write("info", event, fields),
  warn: (event: string, fields: Fields = {}) => write("warn", event, fields),
  error: (event: string, fields: Fields = {}) => write("error", event, fields),
};

/** An error's message without its stack (stacks can carry env values and file paths). */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
