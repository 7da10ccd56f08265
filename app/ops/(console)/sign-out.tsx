"use client";

/** Ends the session (the cookie is HttpOnly, so the server clears it). */
export function SignOut() {
  const signOut = async () => {
    await fetch("/api/ops/session", { method: "DELETE" });
    window.location.assign("/ops/login");
  };
  return (
    <button type="button" onClick={signOut} className="ml-2 rounded-md border border-stone-700 px-3 py-1.5 text-stone-300 hover:bg-stone-800 hover:text-white">
      Sign out
    </button>
  );
}
