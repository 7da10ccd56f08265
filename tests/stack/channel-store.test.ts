import { describe, expect, it } from "vitest";
import { targetKey } from "@/lib/domain/channel-targets";
import { adjustBelieved, readBelieved, setBelieved } from "@/lib/redis/channel-store";
import { testRedis, uniqueSku } from "../support/stack-client";

describe("what we believe a channel holds", () => {
  it("moves once per causing event, however often the event is passed on", async () => {
    const redis = testRedis();
    const target = targetKey(uniqueSku("BELIEF"), "*");
    await setBelieved(redis, "erp", new Map([[target, 10]]));
    const sale = { eventId: `sale-${target}`, target, delta: -3 };
    await adjustBelieved(redis, "erp", [sale]);
    await adjustBelieved(redis, "erp", [sale]);
    await adjustBelieved(redis, "erp", [{ ...sale, eventId: `${sale.eventId}-2`, delta: -1 }]);
    expect((await readBelieved(redis, "erp", [target])).get(target)).toBe(6);
  });

  it("never invents a belief it does not hold (it is read from the channel first)", async () => {
    const redis = testRedis();
    const target = targetKey(uniqueSku("NOBELIEF"), "*");
    await adjustBelieved(redis, "erp", [{ eventId: `e-${target}`, target, delta: -2 }]);
    expect((await readBelieved(redis, "erp", [target])).has(target)).toBe(false);
  });
});
