import { connection } from "next/server";
import { getRedis } from "@/lib/redis/client";
import { readDeadLetters } from "@/lib/redis/intake-queue";
import { Live } from "../live";
import { Panel } from "../panel";

export const metadata = { title: "Dead letters" };

/** Authentic but malformed payloads, kept with the field that was wrong. */
export default function DeadLettersPage() {
  return (
    <Live>
      <DeadLetters />
    </Live>
  );
}

async function DeadLetters() {
  // Live data at request time, never prerendered at build.
  await connection();
  const letters = await readDeadLetters(getRedis(), 100);
  return (
    <Panel
      title="Dead letters"
      subtitle="Signed payloads we could not read (the sender got a 400 naming the field), or lines we left out of an order whose other lines were applied."
    >
      {letters.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul className="space-y-3 text-sm">
          {letters.map((l, i) => (
            <li key={i} className="rounded-lg border border-stone-200 p-3">
              <p>
                <strong>{l.source}</strong> · {new Date(l.receivedAt).toLocaleString()} · field <code>{l.field}</code>: {l.error}
              </p>
              <pre className="mt-2 max-h-40 overflow-auto rounded bg-stone-50 p-2 text-xs">{l.body.slice(0, 4_000)}</pre>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
