import { notFound } from "next/navigation";
import { getPolicy } from "@/lib/config/edge-config";
import type { Channel } from "@/lib/domain/events";
import { skuSchema } from "@/lib/domain/events";
import { readBufferAudit } from "@/lib/ops/buffer-edit";
import { listSkus, readLedger } from "@/lib/ops/read-skus";
import { getRedis } from "@/lib/redis/client";
import { Live } from "../../live";
import { Panel } from "../../panel";
import { BufferEditor } from "./buffer-editor";

export const metadata = { title: "SKU" };

type Params = Promise<{ sku: string }>;

/** One SKU: channel values, the per-SKU buffer editor, its movement ledger and buffer audit. */
export default function SkuPage({ params }: { params: Params }) {
  return (
    <Live>
      <SkuDetail params={params} />
    </Live>
  );
}

async function SkuDetail({ params }: { params: Params }) {
  const parsed = skuSchema.safeParse(decodeURIComponent((await params).sku));
  if (!parsed.success) notFound();
  const sku = parsed.data;
  const redis = getRedis();
  const policy = await getPolicy();
  const [{ rows }, ledger, audit] = await Promise.all([listSkus(redis, policy, sku, 0), readLedger(redis, sku, 50), readBufferAudit(redis, sku)]);
  const row = rows.find((r) => r.sku === sku);
  if (!row) notFound();
  const channels = Object.keys(policy.channels) as Channel[];
  return (
    <>
      <h1 className="font-mono text-xl font-semibold">{sku}</h1>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Channels" subtitle={`On hand ${row.onHand} · reserved ${row.reserved}`}>
          <table className="w-full text-sm">
            <thead className="text-left text-stone-500">
              <tr>
                <th className="py-1">Channel</th>
                <th>Wanted</th>
                <th>Believed</th>
                <th>Seen by drift pass</th>
                <th>Buffer</th>
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c} className="border-t border-stone-100">
                  <td className="py-1.5 capitalize">{c}</td>
                  <td className="tabular-nums">{row.channels[c]?.wanted ?? "—"}</td>
                  <td className="tabular-nums">{row.channels[c]?.believed ?? "?"}</td>
                  <td className="tabular-nums">{row.channels[c]?.actual ?? "?"}</td>
                  <td className="tabular-nums">{row.buffers[c] ?? `${policy.channels[c]?.defaultBuffer ?? 0} (default)`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        <Panel title="Safety buffer" subtitle="Units held back from a channel for this SKU. Empty: the channel's default from Edge Config.">
          <BufferEditor sku={sku} channels={channels} current={row.buffers} />
          <ul className="mt-4 space-y-1 text-sm text-stone-600" aria-label="Buffer changes">
            {audit.map((a) => (
              <li key={`${a.at}-${a.channel}`}>
                {new Date(a.at).toLocaleString()} · {a.channel}: {a.from ?? "default"} → {a.to ?? "default"} ({a.by})
              </li>
            ))}
          </ul>
        </Panel>
      </div>
      <Panel title="Movement ledger" subtitle="Every applied event, newest first (I5).">
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="ledger">
            <thead className="text-stone-500">
              <tr>
                <th className="py-1">Occurred</th>
                <th>Event</th>
                <th>Kind</th>
                <th>Qty</th>
                <th>Location</th>
                <th>Effect</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {ledger.map((e) => (
                <tr key={e.id}>
                  <td className="py-1 whitespace-nowrap">{e.occurredAt}</td>
                  <td className="font-mono text-xs">{e.event}</td>
                  <td>{e.kind}</td>
                  <td className="tabular-nums">{e.qty}</td>
                  <td>{e.loc || "—"}</td>
                  <td>{e.effect}</td>
                  <td>{e.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </>
  );
}
