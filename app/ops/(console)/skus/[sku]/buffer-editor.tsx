"use client";

import { useActionState } from "react";
import { updateBuffer, type OpsActionState } from "@/app/ops/actions";
import type { Channel } from "@/lib/domain/events";

/** Per-SKU buffer per channel; validated on the server, audited, pushed to the channels at once. */
export function BufferEditor({ sku, channels, current }: { sku: string; channels: Channel[]; current: Partial<Record<Channel, number>> }) {
  const [state, action, pending] = useActionState(updateBuffer, { ok: true, message: null } satisfies OpsActionState);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="sku" value={sku} />
      <label className="text-sm">
        Channel
        <select name="channel" className="ml-2 h-10 rounded-lg border border-stone-300 bg-white px-2" defaultValue={channels[0]}>
          {channels.map((c) => (
            <option key={c} value={c}>
              {c} (now {current[c] ?? "default"})
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        Buffer
        <input name="buffer" inputMode="numeric" placeholder="default" className="ml-2 h-10 w-24 rounded-lg border border-stone-300 px-2" />
      </label>
      <button disabled={pending} className="h-10 rounded-lg bg-stone-900 px-4 text-white disabled:opacity-50">
        {pending ? "Saving…" : "Save"}
      </button>
      <p role="status" aria-live="polite" className={`w-full text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="buffer-message">
        {state.message ?? ""}
      </p>
    </form>
  );
}
