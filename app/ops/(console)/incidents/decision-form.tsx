"use client";

import { useActionState } from "react";
import { decideIncident, type OpsActionState } from "@/app/ops/actions";

/** A human's call on an escalated incident: refund (runs the automatic recovery), wait for restock, or substitute. */
export function DecisionForm({ incidentId }: { incidentId: string }) {
  const [state, action, pending] = useActionState(decideIncident, { ok: true, message: null } satisfies OpsActionState);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2 rounded-lg bg-stone-50 p-3">
      <input type="hidden" name="incidentId" value={incidentId} />
      <fieldset className="flex gap-3">
        <legend className="sr-only">Decision</legend>
        {[
          ["refund", "Refund + apology"],
          ["wait_for_restock", "Wait for restock"],
          ["substitute", "Substitute"],
        ].map(([value, label], i) => (
          <label key={value} className="flex items-center gap-1">
            <input type="radio" name="choice" value={value} defaultChecked={i === 0} /> {label}
          </label>
        ))}
      </fieldset>
      <input name="note" placeholder="Note (optional)" maxLength={500} className="h-9 min-w-48 flex-1 rounded-md border border-stone-300 px-2" />
      <button disabled={pending} className="h-9 rounded-md bg-stone-900 px-4 text-white disabled:opacity-50">
        {pending ? "Saving…" : "Decide"}
      </button>
      <p role="status" aria-live="polite" className={`w-full text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
        {state.message ?? ""}
      </p>
    </form>
  );
}
