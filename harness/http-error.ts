/**
 * An error a local HTTP stand-in answers with its own status (and headers), in one class for the
 * emulators' router (emulators/shared/http.ts) and the Upstash-REST bridge.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
