import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  cacheComponents: true,
  // The stack launcher runs `next start` itself; no telemetry banner in CI logs.
  poweredByHeader: false,
};

export default nextConfig;
