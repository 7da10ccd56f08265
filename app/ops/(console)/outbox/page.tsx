import { connection } from "next/server";
import { getRedis } from "@/lib/redis/client";
import { readOutbox } from "@/lib/email/outbox-store";
import { Live } from "../live";
import { Panel } from "../panel";

export const metadata = { title: "Outbox" };

/** Emails the local transport captured instead of sending (EMAIL_TRANSPORT=outbox). */
export default function OutboxPage() {
  return (
    <Live>
      <Outbox />
    </Live>
  );
}

async function Outbox() {
  // Live data at request time, never prerendered at build.
  await connection();
  const mails = await readOutbox(getRedis(), 50);
  if (mails.length === 0) return <Panel title="Outbox">No email captured yet.</Panel>;
  return (
    <div className="space-y-4">
      {mails.map((m) => (
        <Panel key={m.id} title={m.subject} subtitle={`${new Date(m.at).toLocaleString()} · to ${m.to} · from ${m.from}`}>
          <div className="grid gap-4 lg:grid-cols-2">
            {/* Rendered in a sandbox: the message is data, never code that runs in the console. */}
            <iframe title={`HTML of ${m.subject}`} srcDoc={m.html} sandbox="" className="h-80 w-full rounded-lg border border-stone-200 bg-white" />
            <pre className="h-80 overflow-auto rounded-lg bg-stone-50 p-3 text-xs whitespace-pre-wrap">{m.text}</pre>
          </div>
        </Panel>
      ))}
    </div>
  );
}
