import { connection } from "next/server";
import { channelSchema } from "@/lib/domain/events";
import { getRedis } from "@/lib/redis/client";
import { listRejected, REJECTED_RETRY_MS } from "@/lib/redis/channel-store";
import { Live } from "../live";
import { Panel } from "../panel";

export const metadata = { title: "Refused items" };

/** Items a channel refused for good (a bundle parent, a deactivated location, a duplicate SKU), with the channel's own code. */
export default function RefusedItemsPage() {
  return (
    <Live>
      <RefusedItems />
    </Live>
  );
}

async function RefusedItems() {
  // Live data at request time, never prerendered at build.
  await connection();
  const redis = getRedis();
  const lists = await Promise.all(channelSchema.options.map(async (channel) => ({ channel, items: await listRejected(redis, channel, 200) })));
  const minutes = REJECTED_RETRY_MS / 60_000;
  return (
    <Panel
      title="Refused items"
      subtitle={`Writes a channel refused, item by item; the rest of each batch went through. Each is tried again after ${minutes} minutes or when the catalog changes.`}
    >
      {lists.every((l) => l.items.length === 0) ? (
        <p>None.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="text-stone-500">
              <th className="py-1">Channel</th>
              <th>SKU</th>
              <th>Location</th>
              <th>Code</th>
              <th>Message</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {lists.flatMap(({ channel, items }) =>
              items.map((item) => (
                <tr key={`${channel}|${item.sku}|${item.location}`} className="border-t border-stone-200">
                  <td className="py-1">{channel}</td>
                  <td>
                    <code>{item.sku}</code>
                  </td>
                  <td>{item.location}</td>
                  <td>
                    <code>{item.code}</code>
                  </td>
                  <td>{item.message}</td>
                  <td>{new Date(item.at).toLocaleString()}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
