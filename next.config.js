// Next.js configuration. chDB is a native addon: keep it (and the clients that wrap
// native or Node-only code) out of the bundler so Turbopack does not trace them.
// CASHTRACE_DIST_DIR lets tests and benchmarks build into their own directory.
/** @type {import('next').NextConfig} */
const nextConfig = {
  distDir: process.env.CASHTRACE_DIST_DIR || '.next',
  serverExternalPackages: ['chdb', '@clickhouse/client', '@nats-io/transport-node', '@nats-io/jetstream', '@nats-io/nats-core'],
  poweredByHeader: false,
};
module.exports = nextConfig;
