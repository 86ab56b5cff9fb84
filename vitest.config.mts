import { defineConfig } from 'vitest/config';
import TwinsFirstSequencer from './lib/testing/sequencer.mts';

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
    // the server-mode twins, long but small, start among the first files (lib/testing/sequencer.mts):
    // 532 s against 570 in fresh clones side by side (2026-12-05), the run's tail of one busy worker gone
    sequence: { sequencer: TwinsFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
