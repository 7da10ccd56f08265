import { expect, it } from "vitest";
import { CLOUD_ENV, dropCloudEnv } from "../../harness/cloud-env";

it("drops every cloud Redis and Edge Config credential and nothing else", () => {
  const env: Record<string, string | undefined> = { PATH: "/usr/bin", ...Object.fromEntries(CLOUD_ENV.map((name) => [name, "https://canary.invalid"])) };
  dropCloudEnv(env);
  expect(env).toEqual({ PATH: "/usr/bin" });
});

// `npm test` starts Vitest with canaries in all six (scripts/test.ts): none may reach a test.
it("none reaches the environment tests run in", () => {
  for (const name of CLOUD_ENV) expect(process.env[name], name).toBeUndefined();
});
