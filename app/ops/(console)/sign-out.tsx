"use client";

/** Ends the session (the cookie is HttpOnly, so the server clears it). */
export function SignOut() {
  const signOut = async () => {
    await fetch("/api/ops/session", { method: "DELETE" });
    // A full page load, not a client navigation: nothing of the console's rendered data stays in memory.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/ops/login");
  };
  return (
    <button type="button" onClick={signOut} className="ml-2 rounded-md border border-stone-700 px-3 py-1.5 text-stone-300 hover:bg-stone-800 hover:text-white">
      Sign out
    </button>
  );
}
