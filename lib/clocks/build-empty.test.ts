// A new store's clocks: recorded built (empty) at once instead of built one by one, and only
// while no event (nor any interval) is there; a store with events has every clock built.

import { describe, expect, it } from 'vitest';
import { sql } from '../clickhouse/sql';
import { openTempStore } from '../testing/temp-store';
import { ev } from '../testing/events';
import { IngestWriter } from '../ingest/writer';
import { allClocks } from './registry';
import { builtClocks, buildMissing } from './build';

describe('clock builds', () => {
  it('records every clock of a new store built, empty, without building them one by one; a store with events has them built', async () => {
    const { store: fresh } = await openTempStore();
    try {
      const set = await allClocks(fresh);
      const built = await buildMissing(fresh, set);
      expect(built.map((b) => b.clock).filter((id) => set.clocks.has(id)).sort()).toEqual([...set.clocks.keys()].sort());
      const recorded = await fresh.query<{ clock: string; rows: string; seconds: number }>(sql`SELECT clock, toString(rows) AS rows, seconds FROM clock_builds WHERE clock IN ${[...set.clocks.keys()]}`);
      expect(recorded).toHaveLength(set.clocks.size);
      // recorded at once: no clock's build took time (a clock built takes its statements' time)
      expect(recorded.every((r) => r.rows === '0' && r.seconds === 0)).toBe(true);
      expect([...(await builtClocks(fresh))].sort()).toEqual(expect.arrayContaining([...set.clocks.keys()].sort()));
      // one event: every clock is built from it, each for real
      await fresh.command(sql`TRUNCATE TABLE clock_builds`);
      const w = await IngestWriter.open(fresh);
      try {
        await w.write([ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-B1', amount: 100, currency: 'EUR', occurred_at: '2026-03-10T09:00:00Z' })]);
        await w.settled();
        await fresh.command(sql`TRUNCATE TABLE clock_builds`);
        await buildMissing(fresh, set);
        const rebuilt = await fresh.query<{ seconds: number }>(sql`SELECT seconds FROM clock_builds WHERE clock IN ${[...set.clocks.keys()]}`);
        expect(rebuilt).toHaveLength(set.clocks.size);
        expect(rebuilt.every((r) => r.seconds > 0)).toBe(true);
      } finally {
        w.clocks.close();
      }
    } finally {
      await fresh.close();
    }
  });
});
