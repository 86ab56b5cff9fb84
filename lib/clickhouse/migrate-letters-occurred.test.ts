// sql/080: a dead letter's business time (occurred_at), written by the ingest at insert
// (invalidEventLetter, parsed as the event schema parses it) and, for letters written before
// 080, read from their raw input by the column's default: the two agree on every input here,
// valid or not, also once the old parts are merged (the default then materialised).

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStore, type Store } from './client';
import { listMigrations, runMigrations, migrationsDir } from './migrate';
import { sql } from './sql';
import { chTime } from '../ingest/rows';
import { invalidEventLetter, recordDeadLetters } from '../ingest/dead-letters';
import { chIsoOrNull } from '../queries/ch-columns';
import { removeTempDir, tempDir } from '../testing/temp-dir';

const MIGRATION = '080_dead_letters_occurred_at.sql';

/** occurred_at as sources send it: valid (ISO-8601 with Z or an offset, fractions, a date, epoch ms) and not. */
const OCCURRED: unknown[] = [
  '2026-03-04T09:00:00Z',
  '2026-03-04T09:00:00.123Z',
  '2026-03-04T09:00:00.123456Z',
  '2026-03-04T11:00:00+02:00',
  '2026-03-04T04:30:00-04:30',
  '2026-03-04',
  1772614800000,
  1772614800123,
  '04/03/2026 09:00',
  '1772614800000',
  '1999-12-31T23:59:59Z',
  '2101-01-01T00:00:00Z',
  'yesterday',
  '',
  null,
  { at: '2026-03-04T09:00:00Z' },
  true,
];
const raws = OCCURRED.map((o, i) => JSON.stringify({ event_id: `evt-${i}`, type: 'sync.failed', source: 'middleware', entity_type: 'sync', entity_id: `S-${i}`, occurred_at: o }));
const absent = JSON.stringify({ event_id: 'evt-absent', type: 'sync.failed', source: 'middleware', entity_type: 'sync', entity_id: 'S-absent' });
const all = [...raws, absent, 'not json', JSON.stringify([{ occurred_at: '2026-03-04T09:00:00Z' }])];

/** What the ingest writes for a raw input (what invalidEventLetter parses), as the column reads back. */
function expected(raw: string): string | null {
  let item: unknown;
  try {
    item = JSON.parse(raw);
  } catch {
    return null;
  }
  const at = invalidEventLetter('x', item, ['bad'], raw).occurred_at;
  return at ? new Date(at).toISOString() : null;
}

let store: Store;
let dir: string;
const read = (collector: string) =>
  store.query(sql`SELECT raw, occurred_at FROM dead_letters WHERE collector = ${collector} ORDER BY raw`, z.object({ raw: z.string(), occurred_at: chIsoOrNull }));

beforeAll(async () => {
  dir = tempDir();
  const d = path.join(dir, 'sql-before');
  fs.mkdirSync(d);
  for (const m of listMigrations()) if (m.name !== MIGRATION) fs.writeFileSync(path.join(d, m.name), m.text);
  store = await createStore({ dataDir: path.join(dir, 'data'), migrate: false });
  await runMigrations(store, d);
  const now = chTime(new Date().toISOString());
  await store.insertJsonEachRow('dead_letters', all.map((raw) => JSON.stringify({ received_at: now, collector: 'old', reason: 'invalid_event', errors: ['bad'], event_id: '', content_type: '', raw })).join('\n'));
  expect(await runMigrations(store, migrationsDir())).toEqual([MIGRATION]);
  await recordDeadLetters(store, all.map((raw) => {
    let item: unknown = null;
    try {
      item = JSON.parse(raw);
    } catch {
      /* the letter of input that is no JSON */
    }
    return invalidEventLetter('new', item, ['bad'], raw);
  }));
});
afterAll(async () => {
  await store?.close();
  if (dir) removeTempDir(dir);
});

describe('080 dead letters occurred_at', () => {
  it('reads the business time of letters from before 080 as the ingest writes it since, merged or not', async () => {
    const want = all.map((raw) => ({ raw, occurred_at: expected(raw) })).sort((a, b) => (a.raw < b.raw ? -1 : 1));
    // the inputs cover both outcomes, so the comparisons can fail either way
    expect(want.filter((w) => w.occurred_at !== null).length).toBe(8);
    expect(want.filter((w) => w.occurred_at === null).length).toBe(all.length - 8);
    expect(await read('new')).toEqual(want);
    expect(await read('old')).toEqual(want);
    await store.command(sql`OPTIMIZE TABLE dead_letters FINAL`);
    expect(await read('old')).toEqual(want);
  });
});
