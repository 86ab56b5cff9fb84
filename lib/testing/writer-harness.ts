// Test helper for the ingest writer's test files: one temporary store, emptied before each
// test; writers opened through openWriter() stop their clock refreshers after the test (as
// the runtime's shutdown stops them) instead of retrying against a closed store; and the deal
// each stored copy of an event sits in.

import { afterEach } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { IngestWriter } from '../ingest/writer';
import { sharedTempStore } from './shared-temp-store';

/** `opened` receives the store once it is open (before any test runs), as sharedTempStore's. */
export function writerHarness(opened: (store: Store) => void): { openWriter: typeof IngestWriter.open; correlationOf: (eventId: string) => Promise<string[]> } {
  let store: Store;
  sharedTempStore((s) => opened((store = s)), { empty: true });
  const writers: IngestWriter[] = [];
  afterEach(async () => {
    for (const w of writers.splice(0)) {
      w.clocks.close(); // first: its loop ends at its next check instead of waiting for a due round
      await w.settled().catch(() => undefined); // a test's failed batch is its own assertion
    }
  });
  return {
    async openWriter(...args) {
      const w = await IngestWriter.open(...args);
      writers.push(w);
      return w;
    },
    async correlationOf(eventId) {
      const rows = await store.query<{ correlation_id: string }>(sql`SELECT correlation_id FROM events WHERE event_id = ${eventId} ORDER BY correlation_id`);
      return rows.map((r) => r.correlation_id);
    },
  };
}
