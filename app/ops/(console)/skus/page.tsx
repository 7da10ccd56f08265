import Link from "next/link";
import { getPolicy } from "@/lib/config/edge-config";
import type { Channel } from "@/lib/domain/events";
import { listSkus, type ChannelCell } from "@/lib/ops/read-skus";
import { getRedis } from "@/lib/redis/client";
import { Live } from "../live";
import { Panel } from "../panel";

export const metadata = { title: "SKUs" };

type Search = Promise<Record<string, string | string[] | undefined>>;

/** Every tracked SKU: projection vs each channel (paginated, search by SKU). */
export default function SkusPage({ searchParams }: { searchParams: Search }) {
  return (
    <Panel title="SKUs" subtitle="What each channel should hold (wanted), what we believe it holds, and what the last drift pass saw.">
      <Live>
        <SkuTable searchParams={searchParams} />
      </Live>
    </Panel>
  );
}

function Cell({ cell }: { cell: ChannelCell | undefined }) {
  if (!cell) return <td className="px-2 py-1.5 text-stone-400">—</td>;
  const drift = cell.drift;
  return (
    <td className="px-2 py-1.5 tabular-nums">
      <span className="font-medium">{cell.wanted}</span>
      <span className="text-stone-400"> / {cell.believed ?? "?"} / </span>
      <span className={drift ? "font-semibold text-red-700" : "text-stone-700"}>{cell.actual ?? "?"}</span>
      {drift ? (
        <span className="ml-1 text-xs text-red-700">
          ({drift > 0 ? "+" : ""}
          {drift})
        </span>
      ) : null}
    </td>
  );
}

async function SkuTable({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const q = typeof params.q === "string" ? params.q.slice(0, 100) : "";
  const page = Math.max(0, Number(params.page ?? 0) || 0);
  const policy = await getPolicy();
  const { rows, total, pageSize } = await listSkus(getRedis(), policy, q, page);
  const channels = Object.keys(policy.channels) as Channel[];
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (p: number) => `/ops/skus?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <div className="space-y-3">
      <form className="flex gap-2" role="search">
        <label htmlFor="q" className="sr-only">
          Search SKUs
        </label>
        <input
          id="q"
          name="q"
          defaultValue={q}
          placeholder="Search by SKU (e.g. TEE-BLK)"
          className="h-10 w-full max-w-sm rounded-lg border border-stone-300 px-3"
        />
        <button className="h-10 rounded-lg bg-stone-900 px-4 text-white">Search</button>
      </form>
      <p className="text-sm text-stone-500">
        {total.toLocaleString()} SKU{total === 1 ? "" : "s"} · page {page + 1} of {pages} · cells show wanted / believed / seen
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-stone-200 text-stone-500">
            <tr>
              <th className="px-2 py-2">SKU</th>
              <th className="px-2 py-2">On hand</th>
              <th className="px-2 py-2">Reserved</th>
              {channels.map((c) => (
                <th key={c} className="px-2 py-2 capitalize">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {rows.map((row) => (
              <tr key={row.sku} data-testid={`sku-row-${row.sku}`}>
                <td className="px-2 py-1.5 font-mono">
                  <Link href={`/ops/skus/${encodeURIComponent(row.sku)}`} className="underline decoration-stone-300 hover:decoration-stone-900">
                    {row.sku}
                  </Link>
                </td>
                <td className="px-2 py-1.5 tabular-nums">{row.onHand}</td>
                <td className="px-2 py-1.5 tabular-nums">{row.reserved}</td>
                {channels.map((c) => (
                  <Cell key={c} cell={row.channels[c]} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="flex gap-2 text-sm">
        {page > 0 ? (
          <Link href={link(page - 1)} className="rounded border px-3 py-1">
            ← Previous
          </Link>
        ) : null}
        {page + 1 < pages ? (
          <Link href={link(page + 1)} className="rounded border px-3 py-1">
            Next →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
