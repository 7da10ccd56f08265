import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  cacheComponents: true,
  // The stack launcher runs `next start` itself; no telemetry banner in CI logs.
  poweredByHeader: false,
  // `npm test` type-checks the whole repository with tsc alongside the build; the build need not repeat it.
  typescript: { ignoreBuildErrors: process.env.STACK_BUILD_SKIP_TYPECHECK === "1" },
};

export default nextConfig;
