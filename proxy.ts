import { NextResponse, type NextRequest } from "next/server";
import { OPS_COOKIE, verifySession } from "./lib/ops/session";

/**
 * /ops and its API are the merchant's: no page, action or read without a valid session.
 * Pages redirect to the login form; API calls and form posts get 401. With no
 * OPS_PASSWORD configured, /ops is closed (503), never open.
 */
const OPEN = new Set(["/ops/login", "/api/ops/session"]);

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname } = request.nextUrl;
  if (OPEN.has(pathname)) return NextResponse.next();
  if (!process.env.OPS_PASSWORD) return NextResponse.json({ error: "ops is not configured (set OPS_PASSWORD)" }, { status: 503 });
  if (await verifySession(process.env, request.cookies.get(OPS_COOKIE)?.value)) {
    const response = NextResponse.next();
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  }
  if (request.method === "GET" && !pathname.startsWith("/api/")) {
    const login = new URL("/ops/login", request.url);
    login.searchParams.set("next", pathname + request.nextUrl.search);
    return NextResponse.redirect(login, 303);
  }
  return NextResponse.json({ error: "sign in to /ops first" }, { status: 401 });
}

export const config = { matcher: ["/ops", "/ops/:path*", "/api/ops/:path*"] };
