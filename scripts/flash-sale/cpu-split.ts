import { execFileSync } from "node:child_process";
import os from "node:os";

/**
 * A load run on one machine splits it in two: the store's servers (Next, Redis, the bridge)
 * on the first core, the outside world (Chromium shoppers, the emulated Shopify/WMS/
 * marketplace, the load generator) on the rest — as on a real deployment, where shoppers'
 * browsers and third parties do not run on the store's cores. Children inherit the affinity of
 * the process that starts them, so the harness pins itself before and after starting the stack.
 * Without `taskset` or with one core, nothing is pinned (the report says so).
 */
export interface CpuSplit {
  server: string;
  world: string;
}

export function cpuSplit(): CpuSplit | null {
  const cores = os.availableParallelism();
  if (cores < 2) return null;
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
  } catch {
    return null;
  }
  return { server: "0", world: cores === 2 ? "1" : `1-${cores - 1}` };
}

/** Pin every thread of this process to `cpus` (a taskset list, e.g. "0" or "1-3"). */
export function pinSelf(cpus: string): void {
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
}

export const allCores = (): string => `0-${os.availableParallelism() - 1}`;
