import { startUpstashBridge } from "../../harness/upstash-bridge";
import { bridgeEnvSchema } from "./upstash-bridge-process";

/** Child-process entry of the Upstash-REST bridge (see upstash-bridge-process.ts). */
const env = bridgeEnvSchema.parse(process.env);
const bridge = await startUpstashBridge({ redisUrl: env.BRIDGE_REDIS_URL, token: env.BRIDGE_TOKEN, port: env.BRIDGE_PORT });
process.stdout.write(`ready ${bridge.url}\n`);
process.on("SIGTERM", () => void bridge.stop().then(() => process.exit(0)));
