import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': import.meta.dirname } },
  test: {
    include: ['lib/**/*.test.ts', 'collectors/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**'],
    globalSetup: ['lib/testing/global-setup.ts'],
    // chDB allows one engine per process and the suite starts nats-server instances:
    // run files in separate forked processes. Three at a time on this 2-core machine: much of
    // the suite waits (leases expiring, servers electing, processes killed and restarted), and
    // with two the cores idled — on 2026-12-05 the whole run took 605 s with two, 504 and
    // 508 s with three (the longest test 34.5 s against 31.7, each under its own limit).
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
