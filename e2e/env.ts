// The e2e run's fixed facts, shared by playwright.config.ts, the seed and the specs.
// The port and data directory are chosen once in the runner process (playwright.config.ts)
// and reach the workers through the environment they inherit.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A port free now, and not one this file already chose: each probe closes its port, so the
 * kernel may hand the same one out again (CI at 7336c44: the app and the test ClickHouse
 * server were both given 34503, and the app refused to start).
 */
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  const chosen = new Set(['CASHTRACE_E2E_PORT', 'CASHTRACE_E2E_CH_PORT', 'CASHTRACE_E2E_NATS_PORT'].map((k) => Number(process.env[k])));
  for (;;) {
    const port = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
    if (!chosen.has(port)) return port;
  }
}

if (!process.env.CASHTRACE_E2E_PORT) process.env.CASHTRACE_E2E_PORT = String(freePort());
if (!process.env.CASHTRACE_E2E_DATA_DIR) process.env.CASHTRACE_E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-e2e-'));

/**
 * CASHTRACE_E2E_STORE=server: the app's store is a ClickHouse server over HTTP — the test
 * server of lib/testing/clickhouse-server in a process of its own — instead of embedded chDB.
 */
export const E2E_SERVER_STORE = process.env.CASHTRACE_E2E_STORE === 'server';
if (E2E_SERVER_STORE && !process.env.CASHTRACE_E2E_CH_PORT) process.env.CASHTRACE_E2E_CH_PORT = String(freePort());
/** The test server's environment (lib/testing/clickhouse-server-main.ts) and the app's CLICKHOUSE_* for it. */
const E2E_CH = { user: 'cashtrace', password: 'e2e-clickhouse-password', database: 'cashtrace', port: process.env.CASHTRACE_E2E_CH_PORT };
export const E2E_CLICKHOUSE = E2E_SERVER_STORE
  ? {
      server: {
        CASHTRACE_TEST_CH_DIR: path.join(process.env.CASHTRACE_E2E_DATA_DIR!, 'clickhouse-server'),
        CASHTRACE_TEST_CH_PORT: E2E_CH.port!,
        CASHTRACE_TEST_CH_USER: E2E_CH.user,
        CASHTRACE_TEST_CH_PASSWORD: E2E_CH.password,
        CASHTRACE_TEST_CH_DATABASE: E2E_CH.database,
      },
      app: {
        CLICKHOUSE_URL: `http://127.0.0.1:${E2E_CH.port}`,
        CLICKHOUSE_USER: E2E_CH.user,
        CLICKHOUSE_PASSWORD: E2E_CH.password,
        CLICKHOUSE_DATABASE: E2E_CH.database,
      },
    }
  : null;

/**
 * CASHTRACE_E2E_BUS=nats: the app's bus is NATS JetStream — a nats-server of the run's own
 * (Debian's package) on a free port with its store in the run's data directory — instead of
 * the in-process bus. npm test's second pass runs so, on the ClickHouse server: the
 * scaled-out configuration.
 */
export const E2E_NATS_BUS = process.env.CASHTRACE_E2E_BUS === 'nats';
if (E2E_NATS_BUS && !process.env.CASHTRACE_E2E_NATS_PORT) process.env.CASHTRACE_E2E_NATS_PORT = String(freePort());
export const E2E_NATS = E2E_NATS_BUS
  ? {
      port: Number(process.env.CASHTRACE_E2E_NATS_PORT),
      storeDir: path.join(process.env.CASHTRACE_E2E_DATA_DIR!, 'nats'),
      bin: ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => fs.existsSync(p)) ?? 'nats-server',
      app: { NATS_URL: `nats://127.0.0.1:${process.env.CASHTRACE_E2E_NATS_PORT}` },
    }
  : null;

export const E2E_PORT = Number(process.env.CASHTRACE_E2E_PORT);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const E2E_DATA_DIR = process.env.CASHTRACE_E2E_DATA_DIR;
/** Fixed tokens: the seed sends events with the ingest token; the browser reads as the bootstrap admin. */
export const E2E_INGEST_TOKEN = 'e2e-ingest-token-5b0c6f1d9a7e4c3b';
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-8d2e4a6c1f3b5d7e';
export const E2E_DIST_DIR = '.next-e2e';
/** Deals the simulator backfills on top of the hand-built fixture deals. */
export const E2E_SIM_DEALS = Number(process.env.CASHTRACE_E2E_SIM_DEALS ?? 120);
/** The server-store run's screenshots apart from the embedded run's. */
/** The server pass reports in US dollars (every total restated from the built-in euro rates), the embedded one in euros. */
export const E2E_REPORTING_CURRENCY = E2E_SERVER_STORE ? 'USD' : 'EUR';
export const SCREENSHOT_DIR = E2E_SERVER_STORE ? 'test-results/screenshots-server' : 'test-results/screenshots';
/** Signing secrets shared by the server and the seed, so the simulator's events reach the
 * server as each vendor's signed native webhooks through the real collectors. */
export const E2E_SECRETS = {
  CASHTRACE_STRIPE_SECRET: 'whsec_e2e_5f1c7a9b3d2e4f60',
  CASHTRACE_HUBSPOT_SECRET: 'e2e-hubspot-secret-0a1b2c3d',
  CASHTRACE_DOCUSIGN_SECRET: 'e2e-docusign-secret-4e5f6a7b',
  CASHTRACE_QUICKBOOKS_SECRET: 'e2e-quickbooks-verifier-8c9d',
  CASHTRACE_XERO_SECRET: 'e2e-xero-webhook-key-0e1f2a3b',
  CASHTRACE_NETSUITE_SECRET: 'e2e-netsuite-secret-4c5d6e7f',
};
