// Playwright against the built app in Debian's Chromium. The web server builds into its
// own dist dir (.next-e2e) and starts (scripts/start.mjs, as `npm start`) on a free port with a temporary data directory, the
// simulator off and fixed tokens; the `seed` project then feeds it through the real
// ingest endpoint before any spec runs. E2E_SKIP_BUILD=1 reuses the last build.

import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_ADMIN_TOKEN, E2E_BASE_URL, E2E_CLICKHOUSE, E2E_DATA_DIR, E2E_DIST_DIR, E2E_INGEST_TOKEN, E2E_NATS, E2E_PORT, E2E_REPORTING_CURRENCY, E2E_SECRETS } from './e2e/env';

// Builds share 2 cores with other engineers' builds: wait for any running build first.
const waitForOtherBuilds = 'while pgrep -f "[n]ext build" >/dev/null; do sleep 3; done';
const build = process.env.E2E_SKIP_BUILD === '1' ? '' : `${waitForOtherBuilds} && npx next "build" && `;

export default defineConfig({
  testDir: 'e2e',
  outputDir: E2E_CLICKHOUSE ? 'test-results/playwright-server' : 'test-results/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: process.env.CASHTRACE_E2E_REPORT ?? 'test-results/e2e.json' }]],
  use: {
    baseURL: E2E_BASE_URL,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  projects: [
    { name: 'seed', testMatch: /.*\.setup\.ts/ },
    {
      name: 'chromium',
      testMatch: /.*\.spec\.ts/,
      dependencies: ['seed'],
      use: {
        browserName: 'chromium',
        extraHTTPHeaders: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: [
    // CASHTRACE_E2E_STORE=server (npm run test:e2e:server): a ClickHouse server over HTTP for
    // the app (lib/testing/clickhouse-server-main.ts), started first.
    ...(E2E_CLICKHOUSE
      ? [
          {
            command: 'node --import tsx lib/testing/clickhouse-server-main.ts',
            url: `${E2E_CLICKHOUSE.app.CLICKHOUSE_URL}/ping`,
            timeout: 60_000,
            reuseExistingServer: false,
            stdout: 'pipe' as const,
            stderr: 'pipe' as const,
            env: E2E_CLICKHOUSE.server,
          },
        ]
      : []),
    // CASHTRACE_E2E_BUS=nats: a nats-server with JetStream for the app, started first.
    ...(E2E_NATS
      ? [
          {
            command: `${E2E_NATS.bin} -js -a 127.0.0.1 -p ${E2E_NATS.port} -sd ${E2E_NATS.storeDir}`,
            port: E2E_NATS.port,
            timeout: 30_000,
            reuseExistingServer: false,
            stdout: 'pipe' as const,
            stderr: 'pipe' as const,
          },
        ]
      : []),
    {
      // The server starts through `npm start`'s own script (scripts/start.mjs: tokens, demo
      // secrets, build check, server), so the e2e run exercises the quick start's path too.
      command: `sh -c '${build}exec node scripts/start.mjs'`,
      url: `${E2E_BASE_URL}/api/health`,
      timeout: 420_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        CASHTRACE_DIST_DIR: E2E_DIST_DIR,
        CASHTRACE_DATA_DIR: E2E_DATA_DIR!,
        CASHTRACE_SIMULATOR: 'off',
        CASHTRACE_INGEST_TOKEN: E2E_INGEST_TOKEN,
        CASHTRACE_BOOTSTRAP_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
        // a calendar file as an administrator writes one: a closure added, a Sunday–Thursday calendar (pmo.spec)
        CASHTRACE_CALENDARS: path.resolve('e2e/calendars.json'),
        CASHTRACE_REPORTING_CURRENCY: E2E_REPORTING_CURRENCY,
        // a target of the firm's own (executive.spec)
        CASHTRACE_KPI_TARGETS: 'dso=50',
        PORT: String(E2E_PORT),
        NEXT_TELEMETRY_DISABLED: '1',
        ...E2E_SECRETS,
        ...(E2E_CLICKHOUSE?.app ?? {}),
        ...(E2E_NATS?.app ?? {}),
      },
    },
  ],
});
