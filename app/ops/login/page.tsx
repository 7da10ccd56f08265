import type { Metadata } from "next";
import { Suspense } from "react";

export const metadata: Metadata = { title: "Sign in · Ops", robots: { index: false, follow: false } };

const ERRORS: Record<string, string> = {
  wrong: "That password is not right.",
  missing: "Enter the ops password.",
  "slow-down": "Too many attempts. Wait a minute and try again.",
  "not-configured": "Ops is not configured on this deployment (OPS_PASSWORD).",
};

/** The merchant's sign-in: a plain form posting to /api/ops/session (works without JavaScript). */
export default function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-stone-100 p-4">
      <div className="w-full max-w-sm rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">Stock layer · ops</h1>
        <p className="mb-5 text-sm text-stone-600">Merchant sign-in</p>
        {/* Until the query streams in, the form has no `next`: the session route reads it from this page's URL. */}
        <Suspense fallback={<LoginForm error={null} next={null} />}>
          <LoginFormFromQuery searchParams={searchParams} />
        </Suspense>
      </div>
    </main>
  );
}

async function LoginFormFromQuery({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? null) : null;
  const next = typeof params.next === "string" && params.next.startsWith("/ops") ? params.next : "/ops";
  return <LoginForm error={error} next={next} />;
}

function LoginForm({ error, next }: { error: string | null; next: string | null }) {
  return (
    <form method="post" action="/api/ops/session" className="space-y-4">
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <div className="space-y-1">
        <label htmlFor="password" className="text-sm font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="h-11 w-full rounded-lg border border-stone-300 px-3"
        />
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <button type="submit" className="h-11 w-full rounded-lg bg-stone-900 font-medium text-white hover:bg-stone-700">
        Sign in
      </button>
    </form>
  );
}
