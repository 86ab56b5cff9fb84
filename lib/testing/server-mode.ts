// Imported first by a *.server.test.ts file, before the suite it runs again: the suite's
// stores (openTempStore, openTestRuntime) are then a ClickHouse server over HTTP
// (lib/testing/test-clickhouse) instead of embedded chDB. A file whose suite never started
// one (it opened chDB itself) fails instead of passing as a second embedded run.

import { afterAll, expect } from 'vitest';
import { serversStarted } from './test-clickhouse';

process.env.CASHTRACE_TEST_STORE = 'server';

afterAll(() => {
  expect(serversStarted, 'this server-mode suite never started a ClickHouse server (lib/testing/test-clickhouse)').toBeGreaterThan(0);
});
