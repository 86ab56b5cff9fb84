// Next.js configuration. chDB is a native addon: keep it (and the client that
// wraps it) out of the bundler so Turbopack does not try to trace the .node file.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['chdb', '@clickhouse/client', '@nats-io/transport-node', '@nats-io/jetstream'],
  poweredByHeader: false,
  typedRoutes: false,
};
module.exports = nextConfig;
