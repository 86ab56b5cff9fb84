// Retention (issue 2, Store): configured TTLs take effect — journeys kept for
// CASHTRACE_RETENTION_EVENTS_DAYS, raw payloads for CASHTRACE_RETENTION_PAYLOAD_DAYS, dead
// letters for CASHTRACE_RETENTION_DEAD_LETTER_DAYS — and a change of configuration applies at
// the next start without a migration. TTLs act at merges: the test forces one (OPTIMIZE FINAL).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStore, type Store } from './client';
import { runMigrations, TTL_MERGE_INTERVAL_S } from './migrate';
import { sql, trustedSql } from './sql';
import { chTime, toRowLine } from '../ingest/rows';
import { resetEnvForTests } from '../env';
import { removeTempDir, tempDir } from '../testing/temp-dir';
import { ev } from '../testing/events';

const DAY = 86_400_000;
const RETENTION = { CASHTRACE_RETENTION_EVENTS_DAYS: '400', CASHTRACE_RETENTION_PAYLOAD_DAYS: '30', CASHTRACE_RETENTION_DEAD_LETTER_DAYS: '10' };
const saved = Object.fromEntries(Object.keys(RETENTION).map((k) => [k, process.env[k]]));
let store: Store;
let dir: string;

const setEnv = (values: Record<string, string | undefined>) => {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
};

/** An invoice that happened and was received `daysAgo` days ago, with a payload. */
const line = (id: string, daysAgo: number) => {
  const at = new Date(Date.now() - daysAgo * DAY).toISOString();
  const e = ev({ event_id: id, source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: id, occurred_at: at, refs: [`crm:opportunity:OPP-${id}`], payload: { number: id } });
  return toRowLine(e, `deal-${id}`, at);
};

const createQuery = (table: string) =>
  store.query(sql`SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = ${table}`, z.object({ q: z.string() })).then((r) => r[0].q);

beforeAll(async () => {
  setEnv(RETENTION);
  dir = tempDir();
  store = await createStore({ dataDir: dir });
  // retention is counted in whole weeks (expirySql: at least the days configured, at most a week more)
  const lines = [line('fresh', 1), line('payload-kept', 29), line('old-payload', 38), line('row-kept', 399), line('expired', 408)];
  await store.insertJsonEachRow('events', lines.join('\n'));
  const received = (daysAgo: number) => chTime(new Date(Date.now() - daysAgo * DAY).toISOString());
  await store.insertJsonEachRow(
    'dead_letters',
    [
      JSON.stringify({ received_at: received(1), collector: 'api', reason: 'schema', errors: ['x'], raw: 'recent' }),
      JSON.stringify({ received_at: received(9), collector: 'api', reason: 'schema', errors: ['x'], raw: 'kept' }),
      JSON.stringify({ received_at: received(18), collector: 'api', reason: 'schema', errors: ['x'], raw: 'old' }),
    ].join('\n'),
  );
  for (const t of ['events', 'event_facts', 'event_refs', 'dead_letters']) await store.command(trustedSql(`OPTIMIZE TABLE ${t} FINAL`));
}, 60_000);

afterAll(async () => {
  await store?.close();
  setEnv(saved);
  removeTempDir(dir);
});

describe('retention', () => {
  it('drops journeys past CASHTRACE_RETENTION_EVENTS_DAYS from events and their narrow copies', async () => {
    const ids = await store.query(sql`SELECT event_id FROM events ORDER BY event_id`, z.object({ event_id: z.string() }));
    expect(ids.map((r) => r.event_id)).toEqual(['fresh', 'old-payload', 'payload-kept', 'row-kept']);
    for (const t of ['event_facts', 'event_refs']) {
      const keys = await store.query(trustedSql(`SELECT DISTINCT entity_key AS k FROM ${t} ORDER BY k`), z.object({ k: z.string() }));
      expect(keys.map((r) => r.k), t).not.toContain('erp:invoice:expired');
      expect(keys.length, t).toBeGreaterThan(0);
    }
  });

  it('clears raw payloads past CASHTRACE_RETENTION_PAYLOAD_DAYS and keeps the event', async () => {
    const rows = await store.query(sql`SELECT event_id, payload, amount FROM events ORDER BY event_id`, z.object({ event_id: z.string(), payload: z.string(), amount: z.unknown() }));
    expect(rows.find((r) => r.event_id === 'fresh')!.payload).toBe('{"number":"fresh"}');
    expect(rows.find((r) => r.event_id === 'payload-kept')!.payload).toBe('{"number":"payload-kept"}');
    expect(rows.find((r) => r.event_id === 'old-payload')!.payload).toBe('');
    expect(rows.find((r) => r.event_id === 'row-kept')!.payload).toBe('');
  });

  it('drops dead letters past CASHTRACE_RETENTION_DEAD_LETTER_DAYS', async () => {
    const raws = await store.query(sql`SELECT raw FROM dead_letters`, z.object({ raw: z.string() }));
    expect(raws.map((r) => r.raw).sort()).toEqual(['kept', 'recent']);
  });

  it('applies a changed retention at the next start, and clears payloads at most once a day per partition', async () => {
    expect(await createQuery('events')).toContain(`merge_with_ttl_timeout = ${TTL_MERGE_INTERVAL_S}`);
    setEnv({ ...RETENTION, CASHTRACE_RETENTION_PAYLOAD_DAYS: '90', CASHTRACE_RETENTION_EVENTS_DAYS: '800' });
    await runMigrations(store);
    const q = await createQuery('events');
    expect(q).toMatch(/`payload` String CODEC\(ZSTD\(3\)\) TTL toStartOfWeek\(received_at, 1\) \+ toIntervalDay\(97\)/);
    expect(q).toMatch(/TTL toStartOfWeek\(occurred_at, 1\) \+ toIntervalDay\(807\)/);
    expect(q).toContain(`merge_with_ttl_timeout = ${TTL_MERGE_INTERVAL_S}`);
  });
});
