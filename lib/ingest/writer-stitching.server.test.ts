// writer-stitching.test.ts again, on a ClickHouse server over HTTP (server mode: CLICKHOUSE_URL; see lib/testing/test-clickhouse).
import '@/lib/testing/server-mode';
import './writer-stitching.test';
