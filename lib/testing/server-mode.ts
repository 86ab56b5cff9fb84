// Imported first by a *.server.test.ts file, before the suite it runs again: the suite's
// stores (openTempStore, openTestRuntime) are then a ClickHouse server over HTTP
// (lib/testing/test-clickhouse) instead of embedded chDB.

process.env.CASHTRACE_TEST_STORE = 'server';
