import { connection } from "next/server";
import { formatMoney } from "@/lib/money";
import { listIncidents, type Incident } from "@/lib/redis/incident-store";
import { getRedis } from "@/lib/redis/client";
import { Live } from "../live";
import { Panel } from "../panel";
import { DecisionForm } from "./decision-form";

export const metadata = { title: "Incidents" };

const STATE_STYLE: Record<Incident["state"], string> = {
  open: "bg-amber-100 text-amber-900",
  recovering: "bg-amber-100 text-amber-900",
  awaiting_decision: "bg-red-100 text-red-800",
  recovered: "bg-emerald-100 text-emerald-800",
  waiting_restock: "bg-sky-100 text-sky-800",
  substituted: "bg-sky-100 text-sky-800",
  failed: "bg-stone-200 text-stone-700",
};

/** Oversell incidents, newest first, with who is affected, what was done, and the decision form. */
export default function IncidentsPage() {
  return (
    <Live>
      <Incidents />
    </Live>
  );
}

async function Incidents() {
  // Live data at request time, never prerendered at build.
  await connection();
  const incidents = await listIncidents(getRedis());
  if (incidents.length === 0) return <Panel title="Incidents">No oversell incidents. Good.</Panel>;
  return (
    <div className="space-y-4">
      {incidents.map((incident) => (
        <Panel
          key={incident.id}
          title={`${incident.kind === "short_pick" ? "Short pick" : "Oversold"} · ${incident.sku} · ${incident.units} unit${incident.units === 1 ? "" : "s"}`}
          subtitle={`Opened ${new Date(incident.openedAt).toLocaleString()} · ${incident.id}`}
        >
          <div className="space-y-3 text-sm" data-testid={`incident-${incident.id}`}>
            <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-medium ${STATE_STYLE[incident.state]}`} data-testid="incident-state">
              {incident.state.replaceAll("_", " ")}
            </span>
            <table className="w-full text-left">
              <thead className="text-stone-500">
                <tr>
                  <th className="py-1">Order</th>
                  <th>Channel</th>
                  <th>Customer</th>
                  <th>Units short</th>
                  <th>Order value</th>
                </tr>
              </thead>
              <tbody>
                {incident.affected.map((a) => {
                  const order = incident.orders[a.orderId];
                  return (
                    <tr key={a.lineKey} className="border-t border-stone-100">
                      <td className="py-1">{order?.name ?? a.orderId}</td>
                      <td>{a.channel}</td>
                      <td>
                        {order ? `${order.customer}${order.email ? ` <${order.email}>` : ""}` : "—"}
                        {order && !order.email ? <span className="ml-1 text-amber-700">(email not sendable: no readable address)</span> : null}
                      </td>
                      <td className="tabular-nums">{a.units}</td>
                      <td className="tabular-nums">{order ? formatMoney(order.valueCents, order.currency) : "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <ol className="space-y-1 border-l-2 border-stone-200 pl-3" aria-label="Actions">
              {incident.actions.map((a, i) => (
                <li key={i}>
                  <span className="text-stone-500">{new Date(a.at).toLocaleTimeString()}</span> · <strong>{a.action}</strong> {a.target} ·{" "}
                  <span className={a.result === "failed" ? "text-red-700" : a.result === "ok" ? "text-emerald-700" : "text-stone-500"}>{a.result}</span> —{" "}
                  {a.detail}
                </li>
              ))}
            </ol>
            {incident.state === "awaiting_decision" ? <DecisionForm incidentId={incident.id} /> : null}
          </div>
        </Panel>
      ))}
    </div>
  );
}
