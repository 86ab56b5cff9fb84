// sql/059: events and its narrow copies rebuilt with yearly partitions, on a store that was
// created (and filled) with the monthly ones — the rows kept exactly, the views still
// filling the rebuilt tables, and the migration safe to run again after a cut-short run.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStore, type Store } from './client';
import { listMigrations, migrationsDir, runMigrations, splitStatements } from './migrate';
import { sql, trustedSql } from './sql';
import { toRowLine } from '../ingest/rows';
import { removeTempDir, tempDir } from '../testing/temp-dir';
import type { CanonicalEvent } from '../events/schema';
import { ev } from '../testing/events';

const REBUILD = '059_yearly_partitions.sql';
/** The columns compared before and after, per rebuilt table (MATERIALIZED ones included). */
const COLS = {
  events: 'correlation_id, event_id, occurred_at, payload, flow_source, sync_attempt',
  event_facts: 'type, entity_key, occurred_at, event_id, flow_source',
  event_refs: 'type, ref, occurred_at, amount',
};
let store: Store;
let dir: string;
let before: string;

/** An invoice event of the test's own (its ID and record number from `i`), via the suite's builder. */
const event = (i: number, occurredAt: string, refs: string[] = []): CanonicalEvent =>
  ev({
    event_id: `evt_mig_${i}`,
    source: 'erp',
    source_instance: 'netsuite:us01',
    type: 'invoice.issued',
    occurred_at: occurredAt,
    entity_type: 'invoice',
    entity_id: `INV-${i}`,
    refs,
    amount: 100 + i,
    currency: 'USD',
    attributes: { customer: 'Acme', flow_source: 'psa', flow_target: 'erp' },
    payload: { n: i },
  });

const count = (table: string) => store.query(trustedSql(`SELECT count() AS n FROM ${table}`), z.object({ n: z.coerce.number() })).then((r) => r[0].n);
const partitionKey = (table: string) =>
  store.query(sql`SELECT partition_key FROM system.tables WHERE database = currentDatabase() AND name = ${table}`, z.object({ partition_key: z.string() })).then((r) => r[0]?.partition_key);
const snapshot = (table: string, cols: string) => store.query(trustedSql(`SELECT ${cols} FROM ${table} ORDER BY ${cols}`)).then((r) => JSON.stringify(r));

beforeAll(async () => {
  // A store as it was before 059: every earlier migration applied, events over five months
  // (received now: an expired payload would be cleared by the rebuild's TTL, as by a merge).
  dir = tempDir();
  before = path.join(dir, 'sql-before');
  fs.mkdirSync(before);
  for (const m of listMigrations()) if (m.name < REBUILD) fs.writeFileSync(path.join(before, m.name), m.text);
  store = await createStore({ dataDir: path.join(dir, 'data'), migrate: false });
  await runMigrations(store, before);
  const months = ['2026-01-15', '2026-02-15', '2026-03-15', '2026-04-15', '2025-12-15'];
  const lines = months.map((d, i) => toRowLine(event(i, `${d}T10:00:00.000Z`, [`crm:opportunity:OPP-${i}`]), 'deal-1', new Date().toISOString()));
  await store.insertJsonEachRow('events', lines.join('\n'));
});
afterAll(async () => {
  await store?.close();
  if (dir) removeTempDir(dir);
});

describe('059 yearly partitions', () => {
  it('rebuilds events, event_facts and event_refs with yearly partitions, keeping every row and every view', async () => {
    expect(await partitionKey('events')).toBe('toYYYYMM(occurred_at)');
    const rows = Object.fromEntries(await Promise.all(Object.entries(COLS).map(async ([t, c]) => [t, await snapshot(t, c)] as const)));
    expect(await count('events')).toBe(5);
    expect(await count('event_refs')).toBe(5);

    const applied = await runMigrations(store, migrationsDir());
    expect(applied).toContain(REBUILD);
    for (const [table, text] of Object.entries(rows)) {
      expect(await partitionKey(table)).toBe('toYear(occurred_at)');
      expect(await snapshot(table, COLS[table as keyof typeof COLS])).toBe(text);
    }
    const parts = await store.query(sql`SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active ORDER BY partition`, z.object({ partition: z.string() }));
    expect(parts.map((p) => p.partition)).toEqual(['2025', '2026']);
    const staging = await store.query(sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%\_rebuild'`, z.object({ name: z.string() }));
    expect(staging).toEqual([]);

    // The views fill the rebuilt tables: one more event reaches every copy.
    await store.insertJsonEachRow('events', toRowLine(event(9, '2026-06-01T10:00:00.000Z', ['crm:opportunity:OPP-9']), 'deal-2', new Date().toISOString()));
    expect(await count('events')).toBe(6);
    expect(await count('event_facts')).toBe(6);
    expect(await count('event_refs')).toBe(6);
    expect(await count("event_ids WHERE event_id = 'evt_mig_9'")).toBe(1);
    expect(await count("deal_keys WHERE correlation_id = 'deal-2'")).toBeGreaterThan(0);
  });

  it('runs again from the start (a run cut short after an exchange) without losing or doubling a row', async () => {
    const text = fs.readFileSync(path.join(migrationsDir(), REBUILD), 'utf8').replaceAll('{{events_ttl_days}}', '3650');
    const statements = splitStatements(text);
    // Cut short right after the first exchange: the staging table holds the old copy.
    const exchange = statements.findIndex((s) => s.startsWith('EXCHANGE TABLES events '));
    for (const s of statements.slice(0, exchange + 1)) await store.command(trustedSql(s));
    expect(await count('events_rebuild')).toBe(6);
    for (const s of statements) await store.command(trustedSql(s));
    for (const table of ['events', 'event_facts', 'event_refs']) {
      expect(await count(table)).toBe(6);
      expect(await partitionKey(table)).toBe('toYear(occurred_at)');
    }
    await store.insertJsonEachRow('events', toRowLine(event(10, '2026-07-01T10:00:00.000Z'), 'deal-2', new Date().toISOString()));
    expect(await count('event_facts')).toBe(7);
  });
});
