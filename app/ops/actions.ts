"use server";

import { cookies } from "next/headers";
import { refresh } from "next/cache";
import { z } from "zod";
import { stockContext } from "@/lib/context";
import { writableChannelIds } from "@/lib/channels/registry";
import { log } from "@/lib/log";
import { bufferEditSchema, setBuffer } from "@/lib/ops/buffer-edit";
import { OPS_COOKIE, verifySession } from "@/lib/ops/session";
import { recordDecision } from "@/lib/redis/incident-store";
import { recoverSoon } from "@/workers/recovery";

/**
 * The merchant's writes from /ops. The proxy already guards /ops; each action checks the
 * session again (defence in depth: an action is an endpoint of its own).
 */
export type OpsActionState = { ok: boolean; message: string | null };

async function signedIn(): Promise<boolean> {
  return verifySession(process.env, (await cookies()).get(OPS_COOKIE)?.value);
}

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return `${issue?.path.join(".") || "input"}: ${issue?.message ?? "invalid"}`;
};

export async function updateBuffer(_previous: OpsActionState, form: FormData): Promise<OpsActionState> {
  if (!(await signedIn())) return { ok: false, message: "Your session has ended; sign in again." };
  const edit = bufferEditSchema.safeParse({ sku: form.get("sku"), channel: form.get("channel"), buffer: String(form.get("buffer") ?? "").trim() });
  if (!edit.success) return { ok: false, message: firstIssue(edit.error) };
  const ctx = stockContext();
  const audit = await setBuffer(ctx.redis, edit.data, writableChannelIds(ctx, await ctx.policy()), "ops");
  if (!audit) return { ok: false, message: `No SKU ${edit.data.sku}` };
  log.info("ops.buffer_changed", { sku: audit.sku, channel: audit.channel, from: audit.from, to: audit.to });
  refresh();
  return { ok: true, message: `${audit.channel} buffer for ${audit.sku}: ${audit.from ?? "default"} → ${audit.to ?? "default"}` };
}

const decisionSchema = z.object({
  incidentId: z.string().min(1).max(300),
  choice: z.enum(["refund", "wait_for_restock", "substitute"]),
  note: z.string().trim().max(500).default(""),
});

export async function decideIncident(_previous: OpsActionState, form: FormData): Promise<OpsActionState> {
  if (!(await signedIn())) return { ok: false, message: "Your session has ended; sign in again." };
  const decision = decisionSchema.safeParse({ incidentId: form.get("incidentId"), choice: form.get("choice"), note: form.get("note") ?? "" });
  if (!decision.success) return { ok: false, message: firstIssue(decision.error) };
  const ctx = stockContext();
  const { incidentId, choice, note } = decision.data;
  const outcome = await recordDecision(ctx.redis, incidentId, { choice, note, at: new Date().toISOString() });
  if (outcome === "missing") return { ok: false, message: "No such incident" };
  if (outcome === "already_decided") return { ok: false, message: "A decision was already recorded for this incident" };
  if (outcome !== "recorded") return { ok: false, message: `This incident is ${outcome.replaceAll("_", " ")}, not waiting for a decision` };
  log.info("ops.incident_decided", { incidentId, choice });
  await recoverSoon(ctx);
  refresh();
  return { ok: true, message: `Decision recorded: ${decision.data.choice.replaceAll("_", " ")}` };
}
