// Server mode (CLICKHOUSE_URL) as a deployment meets it, over ClickHouse's HTTP interface
// (lib/testing/clickhouse-server: ClickHouse 26 from chDB's library, its own HTTP interface):
// credentials and the database checked with clear errors, migrations applied once, and
// statements naming thousands of IDs (dedup lookups, stitch moves, a clocks round) within
// a server's URL limit (parameters travel in the URL). The *.server.test.ts files run the
// pipeline, ingest, deals and other suites so too.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createStore, type Store } from './client';
import { listMigrations, runMigrations } from './migrate';
import { sql } from './sql';
import { resetEnvForTests } from '../env';
import { createRuntime, type Runtime } from '../runtime';
import { ingestEvents } from '../ingest/pipeline';
import { committedEventIds } from '../ingest/committed-ids';
import { startTestClickHouseServer, type TestClickHouseServer } from '../testing/test-clickhouse';
import { truncateAll } from '../testing/temp-store';
import { ev } from '../testing/events';
import { toRowLine } from '../ingest/rows';
import { rollBackTornInserts } from '../ingest/torn-inserts';
import { DERIVED_TABLES } from '../ingest/stitch-store';
import { PATCH_DELETE } from './sql';

let server: TestClickHouseServer;
let store: Store;
beforeAll(async () => {
  server = await startTestClickHouseServer();
  store = await createStore({ url: server.url });
});
afterAll(async () => {
  await store?.close();
  await server?.close();
});

const count = z.object({ c: z.coerce.number() });

/** createStore with one CLICKHOUSE_* variable changed (restored after). */
async function storeWith(name: string, value: string): Promise<Store> {
  const was = process.env[name];
  process.env[name] = value;
  resetEnvForTests();
  try {
    return await createStore({ url: server.url });
  } finally {
    process.env[name] = was;
    resetEnvForTests();
  }
}

describe('server store', () => {
  /**
   * Runs `body` with a runtime of its own (ingest writer, clocks) over this test's rows only
   * (a runtime recomputes the deals written in the last 15 minutes at start); what it logged
   * as errors meanwhile.
   */
  async function withWriter(body: (rt: Runtime) => Promise<void>): Promise<string[]> {
    await truncateAll(store);
    const rt = await createRuntime({ store, natsUrl: null, worker: true });
    const errors = vi.spyOn(console, 'error');
    try {
      await body(rt);
      return errors.mock.calls.map((c) => String(c[0]));
    } finally {
      errors.mockRestore();
      await rt.shutdown();
    }
  }

  it('applies every migration once, in the configured database', async () => {
    expect(store.kind).toBe('server');
    const [row] = await store.query(sql`SELECT count() AS c FROM schema_migrations`, count);
    expect(row.c).toBe(listMigrations().length);
    expect(await store.query(sql`SELECT currentDatabase() AS db`)).toEqual([{ db: process.env.CLICKHOUSE_DATABASE }]);
    const tables = await store.query(sql`SELECT count() AS c FROM system.tables WHERE database = ${process.env.CLICKHOUSE_DATABASE!} AND name = 'events'`, count);
    expect(tables[0].c).toBe(1);
    expect(await runMigrations(store)).toEqual([]);
  });

  it("refuses wrong credentials and a database that does not exist with the server's reason", async () => {
    // (the official client also logs the failed request)
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(storeWith('CLICKHOUSE_PASSWORD', 'not-the-password')).rejects.toThrow(/Authentication failed/);
      await expect(storeWith('CLICKHOUSE_DATABASE', 'no_such_db')).rejects.toThrow(/no_such_db/);
    } finally {
      quiet.mockRestore();
    }
  });

  /** Why createStore refused to open as `account` (or 'opened'). */
  async function openAs(account: { user: string; password: string }): Promise<string> {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const was = { user: process.env.CLICKHOUSE_USER, password: process.env.CLICKHOUSE_PASSWORD };
    Object.assign(process.env, { CLICKHOUSE_USER: account.user, CLICKHOUSE_PASSWORD: account.password });
    resetEnvForTests();
    try {
      return await createStore({ url: server.url }).then(
        async (s) => {
          await s.close();
          return 'opened';
        },
        (e: Error) => e.message,
      );
    } finally {
      Object.assign(process.env, { CLICKHOUSE_USER: was.user, CLICKHOUSE_PASSWORD: was.password });
      resetEnvForTests();
      quiet.mockRestore();
    }
  }

  it("stops with the server's reason when the configured user may only read (a read-only profile)", async () => {
    expect(await openAs(server.readOnly)).toMatch(/^Migration schema_migrations .*failed: cashtrace_reader: Cannot execute query in readonly mode\..* CLICKHOUSE_USER must be a user that may \(GRANT ALL ON <CLICKHOUSE_DATABASE>\.\*, TABLE ENGINE ON \*, SELECT ON system\.mutations, SELECT ON system\.processes\)/s);
  });

  it('stops at start, with the statement to run, when the user may use its database but not read system.mutations (the suite runs as a user granted both)', async () => {
    expect(await openAs(server.ownDatabaseOnly)).toMatch(/^ClickHouse user cashtrace_db_only may not read system\.mutations \(.*Not enough privileges.*\): .*Run GRANT SELECT ON system\.mutations TO cashtrace_db_only/s);
    // the suite's own user (appGrants: the README's grants) reads it, and nothing beyond its database
    await expect(store.query(sql`SELECT count() AS c FROM system.mutations WHERE database = currentDatabase()`, count)).resolves.toHaveLength(1);
    await expect(store.query(sql`SELECT count() AS c FROM system.processes`, count)).resolves.toHaveLength(1);
    await expect(store.query(sql`SELECT count() AS c FROM system.parts`, count)).rejects.toThrow(/Not enough privileges/);
  });

  it('looks up 20,000 event IDs of 200 characters (~4 MB as a URL carries them) in chunks a server takes', async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `${String(i).padStart(6, '0')}:${'é'.repeat(193)}`);
    expect(ids[0]).toHaveLength(200);
    const stored = ids.filter((_, i) => i % 3 === 0);
    await store.insertJsonEachRow('event_ids', stored.map((id) => JSON.stringify({ event_id: id, correlation_id: 'c' })).join('\n'));
    const found = await committedEventIds(store, ids);
    expect(found.size).toBe(stored.length);
    expect(stored.every((id) => found.has(id))).toBe(true);
  });

  it('stitches 20,000 orphans into their deals when their parents arrive in one batch (a system\'s history imported before its parent\'s: ~1 MB of IDs in one statement before)', async () => {
    const rt = await createRuntime({ store, natsUrl: null, worker: true });
    try {
      const n = 20_000;
      const id = (i: number) => String(i).padStart(6, '0');
      const invoices = Array.from({ length: n }, (_, i) => ({ event_id: `orph-inv-${i}`, source: 'erp', type: 'invoice.issued', occurred_at: '2026-05-10T10:00:00Z', entity_type: 'invoice', entity_id: `INV-ORPHAN-IMPORT-${id(i)}`, refs: [`erp:sales_order:SO-ORPHAN-IMPORT-${id(i)}`], amount: 10, currency: 'EUR' }));
      const orders = Array.from({ length: n }, (_, i) => ({ event_id: `orph-so-${i}`, source: 'erp', type: 'order.created', occurred_at: '2026-05-02T10:00:00Z', entity_type: 'sales_order', entity_id: `SO-ORPHAN-IMPORT-${id(i)}`, refs: [`crm:opportunity:OPP-ORPHAN-IMPORT-${id(i)}`], amount: 10, currency: 'EUR' }));
      expect(await ingestEvents(rt, invoices, { collector: 'test' })).toMatchObject({ accepted: n });
      await rt.writer!.settled();
      expect(await ingestEvents(rt, orders, { collector: 'test' })).toMatchObject({ accepted: n });
      await rt.writer!.settled();
      const [row] = await store.query(
        sql`SELECT countIf(correlation_id = concat('crm:opportunity:OPP-ORPHAN-IMPORT-', substring(entity_id, 19))) AS c FROM events WHERE event_id LIKE 'orph-inv-%'`,
        count,
      );
      expect(row.c).toBe(n);
      const [orphans] = await store.query(sql`SELECT count() AS c FROM events WHERE event_id LIKE 'orph-%' AND correlation_id = ''`, count);
      expect(orphans.c).toBe(0);
    } finally {
      await rt.shutdown();
    }
  }, 180_000); // ~33 s alone, past 60 s beside the other files on a slow day (CI at 8f8eddc)

  it('rolls back a torn insert of thousands of events at start (their IDs and deals in parts a server takes)', async () => {
    await truncateAll(store);
    const deal = 'crm:opportunity:OPP-TORN-SERVER';
    const torn = Array.from({ length: 5_000 }, (_, i) =>
      ev({ event_id: `torn-server-${String(i).padStart(5, '0')}-${'x'.repeat(40)}`, type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: `INV-TORN-${i}`, refs: [deal], amount: 1, currency: 'EUR' }),
    );
    // The crash: the batch's events are in, event_ids (one of its views) is not (~290 KB of IDs as a URL carries them).
    await store.insertJsonEachRow('events', torn.map((e) => toRowLine(e, deal, new Date().toISOString())).join('\n'));
    await store.command(sql`TRUNCATE TABLE event_ids`);
    const quiet = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await rollBackTornInserts(store, DERIVED_TABLES, PATCH_DELETE)).toEqual({ rolledBack: 5_000, repaired: 1 });
    } finally {
      quiet.mockRestore();
    }
    const [left] = await store.query(sql`SELECT count() AS c FROM events WHERE correlation_id = ${deal}`, count);
    expect(left.c).toBe(0);
  });

  it('recounts the flow tallies of a round that changes thousands of flow hours and durations (key lists within a parameter a server takes)', async () => {
    const logged = await withWriter(async (rt) => {
      // 300 deals (one round), 40 syncs each at hours and durations of their own, sent before
      // their deals (orphans, moved in when the deals arrive: their runs' keys change):
      // 12,000 hourly keys, whose hours alone are ~230 KB as a URL carries them (found on the
      // demo of 3,000 deals on a server: "Field value too long")
      const deals = 300;
      const runs = 40;
      const events: Record<string, unknown>[] = [];
      const wins: Record<string, unknown>[] = [];
      for (let d = 0; d < deals; d++) {
        const opp = `OPP-FLOWS-${String(d).padStart(4, '0')}`;
        wins.push({ event_id: `fl-won-${d}`, source: 'crm', type: 'opportunity.won', occurred_at: '2026-01-01T09:00:00Z', entity_type: 'opportunity', entity_id: opp, amount: 1000, currency: 'EUR', attributes: { region: 'EMEA' } });
        for (let r = 0; r < runs; r++) {
          const at = Date.UTC(2026, 0, 2) + (d * runs + r) * 3_600_000;
          const sync = { source: 'middleware', entity_type: 'sync', entity_id: `RUN-${opp}-${r}`, refs: [`crm:opportunity:${opp}`], attributes: { flow_source: 'crm', flow_target: 'erp', attempt: '1' } };
          events.push({ ...sync, event_id: `fl-req-${d}-${r}`, type: 'sync.requested', occurred_at: new Date(at).toISOString() });
          events.push({ ...sync, event_id: `fl-ok-${d}-${r}`, type: 'sync.succeeded', occurred_at: new Date(at + 1000 + d * runs + r).toISOString() });
        }
      }
      expect(await ingestEvents(rt, events, { collector: 'test' })).toMatchObject({ accepted: events.length });
      await rt.writer!.settled();
      expect(await ingestEvents(rt, wins, { collector: 'test' })).toMatchObject({ accepted: deals });
      await rt.writer!.settled();
      expect(rt.writer!.clocks.status().pendingDeals).toBe(0);
      const [row] = await store.query(sql`SELECT sum(runs) AS c FROM flow_hours WHERE flow_source = 'crm' AND flow_target = 'erp' AND region = 'EMEA'`, count);
      expect(row.c).toBe(deals * runs);
    });
    expect(logged.filter((m) => /refresh|flow/.test(m))).toEqual([]);
  });

  it("refreshes the clocks of thousands of deals in rounds whose parameters a server takes (128 KiB each, 1 MiB of URL)", async () => {
    const logged = await withWriter(async (rt) => {
      const deals = 6_000;
      const events = Array.from({ length: deals }, (_, i) => ({
        event_id: `srv-${i}`,
        source: 'crm',
        type: 'opportunity.won',
        occurred_at: '2026-05-01T10:00:00Z',
        entity_type: 'opportunity',
        entity_id: `OPP-SERVER-MODE-${String(i).padStart(6, '0')}`,
        amount: 1000,
        currency: 'EUR',
        attributes: { customer: 'Server Mode GmbH' },
      }));
      expect(await ingestEvents(rt, events, { collector: 'test' })).toMatchObject({ accepted: deals, duplicates: 0 });
      await rt.writer!.settled();
      expect(rt.writer!.clocks.status().pendingDeals).toBe(0);
      const [row] = await store.query(sql`SELECT uniqExact(correlation_id) AS c FROM clock_intervals WHERE correlation_id LIKE 'crm:opportunity:OPP-SERVER-MODE-%'`, count);
      expect(row.c).toBe(deals);
    });
    expect(logged.filter((m) => /refresh/.test(m))).toEqual([]);
  });
});
