import { connection } from "next/server";
import Link from "next/link";
import { stockContext } from "@/lib/context";
import { writableChannelIds } from "@/lib/channels/registry";
import { readOverview } from "@/lib/ops/read-overview";
import { DriftChart } from "../components/drift-chart";
import { FlowDiagram } from "../components/flow-diagram";
import { GaugeBar } from "../components/gauge-bar";
import { Live } from "./live";
import { Panel, Stat } from "./panel";

export const metadata = { title: "Overview" };

/** The merchant's overview: the live data flow, queues and budgets, drift, what needs a human. */
export default function OverviewPage() {
  return (
    <Live>
      <Overview />
    </Live>
  );
}

async function Overview() {
  // Live data at request time, never prerendered at build.
  await connection();
  const ctx = stockContext();
  const policy = await ctx.policy();
  const data = await readOverview(ctx.redis, policy, writableChannelIds(ctx, policy));
  const pass = data.pass;
  const open = (data.incidents.open ?? 0) + (data.incidents.recovering ?? 0);
  return (
    <>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Incidents in recovery" value={open} href="/ops/incidents" />
        <Stat
          label="Awaiting your decision"
          value={data.incidents.awaiting_decision ?? 0}
          href="/ops/incidents"
          tone={(data.incidents.awaiting_decision ?? 0) > 0 ? "alert" : "calm"}
        />
        <Stat label="Drift needing a human" value={data.needsHuman} href="/ops/skus" tone={data.needsHuman > 0 ? "alert" : "calm"} />
        <Stat label="Dead letters" value={data.deadLetters} href="/ops/dead-letters" tone={data.deadLetters > 0 ? "warn" : "calm"} />
        <Stat label="Recovered" value={data.incidents.recovered ?? 0} href="/ops/incidents" />
      </div>
      <Panel
        title={`Data flow · last ${data.graph.windowMinutes} minutes`}
        subtitle="Every system, every webhook, write, read and cron; arrow width is throughput."
      >
        <FlowDiagram graph={data.graph} />
      </Panel>
      <div className="grid gap-6 lg:grid-cols-3">
        <Panel title="Queues and budgets" className="lg:col-span-1">
          <div className="space-y-4">
            {data.gauges.map((gauge) => (
              <GaugeBar key={gauge.label} gauge={gauge} />
            ))}
          </div>
        </Panel>
        <Panel
          title="Drift over time"
          subtitle={`Alert above ${data.policy.threshold} units · auto-correct up to ${data.policy.autoCorrectLimit}`}
          className="lg:col-span-2"
        >
          <DriftChart points={data.drift} />
          <p className="mt-3 text-sm text-stone-600" data-testid="pass-progress">
            {pass
              ? pass.finished
                ? `Last pass ${pass.id}: ${pass.done.toLocaleString()} checked, ${pass.drifted} drifted, ${pass.corrected} corrected.`
                : `Pass ${pass.id} running: ${pass.done.toLocaleString()} of ${pass.total.toLocaleString()} (${Math.round(pass.progress.share * 100)} %)${pass.progress.etaMs !== null ? `, about ${Math.ceil(pass.progress.etaMs / 60_000)} min left` : ""}.`
              : "No reconciliation pass yet."}{" "}
            <Link href="/ops/skus" className="underline">
              SKUs and channel values
            </Link>
          </p>
        </Panel>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Panel title="Needs a human" subtitle={`Drift beyond the auto-correct limit (${data.policy.autoCorrectLimit} units)`}>
          {data.humanItems.length === 0 ? (
            <p className="text-sm text-stone-500">Nothing waiting.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="needs-human">
              {data.humanItems.map((h) => (
                <li key={`${h.channel}|${h.sku}|${h.location}`}>
                  <Link href={`/ops/skus/${encodeURIComponent(h.sku)}`} className="font-mono underline">
                    {h.sku}
                  </Link>{" "}
                  · {h.channel} {h.location} holds {h.actual}, wanted {h.wanted}{" "}
                  <strong className="text-red-700">
                    ({h.drift > 0 ? "+" : ""}
                    {h.drift})
                  </strong>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Drift alerts" subtitle={`Above ${data.policy.threshold} units, newest first`}>
          {data.alerts.length === 0 ? (
            <p className="text-sm text-stone-500">No alerts.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {data.alerts.map((a, i) => (
                <li key={i}>
                  {new Date(a.at).toLocaleTimeString()} · <span className="font-mono">{a.sku}</span> {a.channel} {a.location}: {a.drift > 0 ? "+" : ""}
                  {a.drift} ({a.action.replaceAll("_", " ")})
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Sync log" subtitle="Recent channel writes and drift corrections">
          <ul className="space-y-1 text-sm" data-testid="sync-log">
            {data.syncLog.map((e) => (
              <li key={`${e.channel}-${e.key}-${e.at}`}>
                {new Date(e.at).toLocaleTimeString()} · {e.channel} · {e.items} item{e.items === 1 ? "" : "s"} ·{" "}
                <span className="font-mono text-xs text-stone-500">{e.key.slice(0, 28)}</span>
              </li>
            ))}
          </ul>
        </Panel>
      </div>
    </>
  );
}
