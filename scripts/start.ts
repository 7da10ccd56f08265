import path from "node:path";
import { launchStack, wipeWorld, type Stack } from "./stack/launch-stack";

/**
 * `npm start`: the whole local stack and the demo store, until Ctrl-C. The world (Redis and every
 * emulator) is kept under the data folder and resumed on the next start; `npm start -- --fresh`
 * wipes both together and starts over from the seed.
 */
const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--fresh");
if (unknown.length > 0) {
  console.error(`error: unknown argument ${unknown[0]} (the only one is --fresh: wipe Redis and the emulators, start over)`);
  process.exit(2);
}
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const say = (line: string) => console.log(`[stack] ${line}`);

let stack: Stack | undefined;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping…`);
  await stack?.stop();
  say("stopped cleanly");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

try {
  const dataDir = process.env.STACK_DATA_DIR ?? path.join(root, ".data");
  if (args.includes("--fresh")) say(`--fresh: wiped ${wipeWorld(dataDir).join(", ") || "nothing (already fresh)"}`);
  stack = await launchStack({
    root,
    dataDir,
    // PERSIST_WORLD=0: a throwaway world (the benchmarks' own stacks), emulators in memory only.
    persistWorld: process.env.PERSIST_WORLD !== "0",
    ports: {
      app: port("PORT", 3000),
      redis: port("REDIS_PORT", 6390),
      bridge: port("UPSTASH_BRIDGE_PORT", 8079),
      edgeConfig: port("EDGE_CONFIG_PORT", 8078),
      shopify: port("SHOPIFY_EMULATOR_PORT", 8081),
      wms: port("WMS_EMULATOR_PORT", 8082),
      marketplace: port("MARKETPLACE_EMULATOR_PORT", 8083),
      pos: port("POS_EMULATOR_PORT", 8084),
      erp: port("ERP_EMULATOR_PORT", 8085),
    },
    emulators: process.env.EMULATORS !== "0",
    demoTraffic: process.env.DEMO_TRAFFIC !== "0",
    cronIntervalMs: port("CRON_INTERVAL_MS", 10_000),
    reconcileIntervalMs: port("RECONCILE_INTERVAL_MS", 30_000),
    seed: process.env.SEED !== "0",
    log: say,
  });
  const width = Math.max(...stack.services.map((s) => s.name.length));
  console.log("\n  Stock layer is running\n");
  for (const s of stack.services) console.log(`  ${s.name.padEnd(width)}  ${s.url}\n  ${" ".repeat(width)}  ${s.note}`);
  console.log(`\n  Open ${stack.appUrl}  ·  manifest: ${path.relative(root, stack.manifestFile)}  ·  Ctrl-C to stop\n`);
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  process.exit(1);
}
