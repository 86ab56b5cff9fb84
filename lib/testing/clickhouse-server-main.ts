// The ClickHouse test server of lib/testing/clickhouse-server as a process of its own, for
// the e2e run in server mode (CASHTRACE_E2E_STORE=server: playwright.config.ts starts it
// before the app, which reaches it through CLICKHOUSE_URL). For tests only. Configured by
// the environment: CASHTRACE_TEST_CH_DIR, _PORT, _USER, _PASSWORD, _DATABASE.

import { startClickHouseServer } from './clickhouse-server';
import { appGrants } from '../clickhouse/grants';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const v = process.env[`CASHTRACE_TEST_CH_${name}`];
    if (!v) throw new Error(`CASHTRACE_TEST_CH_${name} is not set`);
    return v;
  };
  const server = await startClickHouseServer({
    dataDir: env('DIR'),
    port: Number(env('PORT')),
    users: [{ name: env('USER'), password: env('PASSWORD'), grants: appGrants(env('DATABASE')) }],
    databases: [env('DATABASE')],
  });
  console.log(`[test-clickhouse] ClickHouse HTTP interface (clickhouse-local from chDB's library, for tests) at ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(`[test-clickhouse] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
