/**
 * A drain worker that dies mid-batch: it queues a delivery and claims it in one MULTI (so no
 * other consumer can take it first), applies half of its events, then kills itself with
 * SIGKILL — no ack, no cleanup. Used by the I7 test.
 */
import { z } from "zod";
import { stockEventSchema } from "@/lib/domain/events";
import { INTAKE_GROUP, keys } from "@/lib/redis/keys";
import { createRedis } from "@/lib/redis/client";
import { ensureGroup } from "@/lib/redis/intake-queue";
import { applyEvents } from "@/lib/redis/projection-store";

const [url, token, eventsJson] = process.argv.slice(2);
const events = z.array(stockEventSchema).parse(JSON.parse(eventsJson ?? "[]"));
const redis = createRedis(url ?? "", token ?? "");
await ensureGroup(redis);
await redis
  .multi()
  .xadd(keys.intakeStream, "*", { src: "wms", events: JSON.stringify(events), rcv: String(Date.now()) })
  .xreadgroup(INTAKE_GROUP, "doomed-consumer", keys.intakeStream, ">", { count: 1 })
  .exec();
await applyEvents(redis, events.slice(0, Math.floor(events.length / 2)));
process.stdout.write("applied half\n");
process.kill(process.pid, "SIGKILL");
