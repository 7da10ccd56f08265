/** Small JSON-over-HTTP helpers for tests that drive the emulators like an outside client would. */

export interface JsonAnswer {
  status: number;
  headers: Headers;
  /** The parsed body, or null when the response had none. */
  json: unknown;
}

export interface JsonRequest {
  method?: string;
  /** Sent as JSON when given; omitted entirely otherwise (some endpoints take no body). */
  body?: unknown;
  headers?: Record<string, string>;
}

export async function requestJson(url: string, { method = "GET", body, headers = {} }: JsonRequest = {}): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : null };
}

export const postJson = (url: string, body?: unknown): Promise<JsonAnswer> => requestJson(url, { method: "POST", body });

/**
 * Auth and idempotency headers the way the seller APIs (marketplace, ERP) take them:
 * `key: null` sends no Authorization at all, a missing key sends the default one.
 */
export function apiHeaders(defaultKey: string, opts: { key?: string | null; idem?: string }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? defaultKey}`;
  if (opts.idem !== undefined) headers["idempotency-key"] = opts.idem;
  return headers;
}
