import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { StockEvent } from "@/lib/domain/events";
import { INTAKE_GROUP, keys } from "@/lib/redis/keys";
import { eventually, stack, testRedis, uniqueSku } from "../support/stack-client";

describe("I7: nothing acknowledged is lost", () => {
  it("a worker killed mid-batch leaves its entry pending; another claims it and applies every event exactly once", async () => {
    const sku = uniqueSku("CRASH");
    const events: StockEvent[] = Array.from({ length: 40 }, (_, i) => ({
      id: `crash-${sku}-${i}`,
      kind: "receipt",
      sku,
      locationId: "wh-east",
      quantity: 1,
      occurredAt: new Date().toISOString(),
      source: "wms",
      sourceUri: "test://crash",
    }));
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "..", "support", "doomed-drainer.ts"), stack().redisRestUrl, stack().redisRestToken, JSON.stringify(events)], {
      cwd: path.resolve(import.meta.dirname, "..", ".."),
      encoding: "utf8",
    });
    expect(child.signal).toBe("SIGKILL");
    expect(child.stdout).toContain("applied half");

    const redis = testRedis();
    const onHand = () => redis.hget(keys.projection(sku), "oh:wh-east").then(Number);
    // Half is in, the rest waits in the doomed consumer's pending list.
    expect(await onHand()).toBe(20);
    // The cron drain claims it once it has been idle for INTAKE_CLAIM_IDLE_MS.
    expect(await eventually(onHand, (n) => n === 40, 15_000, 100)).toBe(40);
    const pendingOfDoomed = async () => (await redis.xpending(keys.intakeStream, INTAKE_GROUP, "-", "+", 100, { consumer: "doomed-consumer" })) as unknown[];
    expect(await eventually(pendingOfDoomed, (p) => p.length === 0)).toHaveLength(0);
    const ledger = Object.values(await redis.xrange(keys.ledger(sku), "-", "+"));
    expect(ledger).toHaveLength(40);
    expect(new Set(ledger.map((entry) => (entry as { event: string }).event)).size).toBe(40);
  });
});
