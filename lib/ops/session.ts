/**
 * The merchant's ops session: `v1.<expiry ms>.<HMAC-SHA256>` signed with a key derived from
 * `OPS_SESSION_SECRET` (or `OPS_PASSWORD`, so changing the password ends every session).
 * Web Crypto only, so the proxy and route handlers share it; `crypto.subtle.verify` compares
 * in constant time.
 */
export const OPS_COOKIE = "ops_session";
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const encoder = new TextEncoder();

function sessionSecret(env: Record<string, string | undefined>): string | null {
  const secret = env.OPS_SESSION_SECRET ?? env.OPS_PASSWORD;
  return secret && secret.length >= 8 ? secret : null;
}

const key = (secret: string) =>
  crypto.subtle.importKey("raw", encoder.encode(`ops-session:${secret}`), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);

const toBase64Url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const raw = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const out = new Uint8Array(new ArrayBuffer(raw.length));
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export async function createSession(env: Record<string, string | undefined>, now = Date.now()): Promise<string | null> {
  const secret = sessionSecret(env);
  if (!secret) return null;
  const payload = `v1.${now + SESSION_TTL_MS}`;
  return `${payload}.${toBase64Url(await crypto.subtle.sign("HMAC", await key(secret), encoder.encode(payload)))}`;
}

export async function verifySession(env: Record<string, string | undefined>, token: string | undefined, now = Date.now()): Promise<boolean> {
  const secret = sessionSecret(env);
  if (!secret || !token) return false;
  const match = /^(v1\.(\d{1,16}))\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2] || !match[3]) return false;
  if (Number(match[2]) < now) return false;
  const signature = fromBase64Url(match[3]);
  return signature !== null && crypto.subtle.verify("HMAC", await key(secret), signature, encoder.encode(match[1]));
}

/** Constant-time password check (both sides hashed first, so lengths do not leak either). */
export async function passwordMatches(env: Record<string, string | undefined>, given: string): Promise<boolean> {
  const expected = env.OPS_PASSWORD;
  if (!expected) return false;
  const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
